package mockapi

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"gopkg.in/yaml.v3"
)

// adminDescription is the OpenAPI 3.1 description of the management API.
// The tests hold every management answer to it (admin_contract_test.go).
//
//go:embed admin.openapi.yaml
var adminDescription []byte

// AdminDescription returns the OpenAPI 3.1 description of the management
// API under /_admin/, as YAML: the endpoints, their JSON shapes and the
// statuses each can answer. A Server with an admin token serves it as JSON
// at /_admin/openapi.json, without the token.
func AdminDescription() []byte { return append([]byte(nil), adminDescription...) }

// adminDescriptionJSON is the description as JSON, made once.
var adminDescriptionJSON = sync.OnceValue(func() []byte {
	var v any
	if err := yaml.Unmarshal(adminDescription, &v); err != nil {
		panic("mockapi: the embedded management API description is not YAML: " + err.Error())
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("mockapi: the embedded management API description is not JSON-shaped: " + err.Error())
	}
	return b
})

func serveAdminDescription(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(adminDescriptionJSON())
}
