package mockapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock/rules"
)

// Rules set through the management API answer by request values, are
// held to the spec when written and when the spec changes, and can be
// removed.
func TestProjectRules(t *testing.T) {
	_, c, _ := startWith(t, Options{})
	gone := map[string]any{"getPet": []any{
		map[string]any{"name": "gone", "when": []any{map[string]any{"in": "path", "name": "petId", "equals": 3}}, "status": 404},
		map[string]any{"name": "echo", "when": []any{map[string]any{"in": "header", "name": "X-Name", "exists": true}},
			"body": map[string]any{"id": "{{request.path.petId}}", "name": "{{request.header.X-Name}}"}},
	}}
	p := c.admin("POST", "/projects", map[string]any{"id": "pets", "spec": petsSpec, "visibility": "public", "rules": gone}, 201)
	require.Contains(t, p, "rules")

	status, _, _ := c.do("GET", "/p/pets/pets/3", "")
	assert.Equal(t, http.StatusNotFound, status, "record 3 exists, but the rule answers")
	status, _, body := c.do("GET", "/p/pets/pets/4", "", "X-Name", "Bella")
	require.Equal(t, http.StatusOK, status, string(body))
	assert.JSONEq(t, `{"id":4,"name":"Bella"}`, string(body))
	status, _, body = c.do("GET", "/p/pets/pets/4", "")
	assert.Equal(t, http.StatusOK, status, "no rule holds: the spec answers")
	assert.NotContains(t, string(body), "Bella")

	for _, tc := range []struct {
		name  string
		rules any
		want  string
	}{
		{"undeclared status", map[string]any{"getPet": []any{map[string]any{"status": 418}}}, "getPet/0"},
		{"unknown operation", map[string]any{"nope": []any{map[string]any{"status": 200}}}, "no such operation"},
		{"bad regex", map[string]any{"getPet": []any{map[string]any{"when": []any{map[string]any{"in": "query", "name": "q", "regex": "("}}}}}, "getPet"},
		{"body the schema refuses", map[string]any{"getPet": []any{map[string]any{"body": map[string]any{"id": "x", "name": "y"}}}}, "breaks the spec"},
		{"unknown field", map[string]any{"getPet": []any{map[string]any{"stauts": 200}}}, "getPet"},
		{"not a list", map[string]any{"getPet": map[string]any{"status": 200}}, "getPet"},
	} {
		body := c.admin("PATCH", "/projects/pets", map[string]any{"rules": tc.rules}, 422)
		assert.Equal(t, "VALIDATION_ERROR", body["code"], tc.name)
		assert.Contains(t, body["detail"], tc.want, tc.name)
	}

	// A spec that drops what a rule needs is refused.
	noGet := strings.Replace(petsSpec, "operationId: getPet", "operationId: fetchPet", 1)
	b, err := json.Marshal(map[string]any{"spec": noGet})
	require.NoError(t, err)
	status, _, body = c.do("PUT", "/_admin/projects/pets/spec", string(b), "Authorization", "Bearer "+adminToken)
	assert.Equal(t, http.StatusUnprocessableEntity, status, string(body))
	assert.Contains(t, string(body), "rules")

	p = c.admin("PATCH", "/projects/pets", map[string]any{"rules": nil}, 200)
	assert.NotContains(t, p, "rules")
	status, _, _ = c.do("GET", "/p/pets/pets/3", "")
	assert.Equal(t, http.StatusOK, status, "the rules are gone")
}

// The Go API takes the same rules.
func TestProjectRulesGoAPI(t *testing.T) {
	s, c, _ := startWith(t, Options{})
	_, err := s.CreateProject(t.Context(), NewProject{ID: "pets", Spec: []byte(petsSpec), Visibility: "public",
		Settings: Settings{Rules: map[string][]rules.Rule{"GET /pets/{petId}": {{Status: 404}}}}})
	require.NoError(t, err)
	status, _, _ := c.do("GET", "/p/pets/pets/5", "")
	assert.Equal(t, http.StatusNotFound, status)
	_, err = s.UpdateProject(t.Context(), "pets", ProjectUpdate{Rules: map[string][]rules.Rule{"getPet": {{Status: 500}}}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "rules", ve.Field)
}
