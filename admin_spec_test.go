package mockapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// toJSON is a YAML description as indented JSON.
func toJSON(t *testing.T, y string) string {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal([]byte(y), &v))
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	return string(b)
}

// petsJSON is petsSpec as a JSON object.
func petsJSON(t *testing.T) string { return toJSON(t, petsSpec) }

// POST /_admin/projects takes the spec as a JSON string, a JSON object, or
// the body itself (YAML by media type, or a JSON OpenAPI object) with the
// other fields in the query; GET .../spec answers it back in its format.
func TestAdminCreateTakesSpecInEveryForm(t *testing.T) {
	t.Parallel()
	_, c, _ := startWith(t, Options{})
	auth := []string{"Authorization", "Bearer " + adminToken}
	for _, tc := range []struct {
		name, query, contentType, body string
		status                         int
		wantName, wantFormat           string
		wantSpec                       string // the stored spec; "" when not checked
	}{
		{"spec as a YAML string", "", "application/json", `{"id":"s1","name":"S1","spec":` + jsonString(petsSpec) + `}`,
			201, "S1", "application/yaml", petsSpec},
		{"spec as a JSON object", "", "application/json", `{"id":"s2","name":"S2","spec":` + petsJSON(t) + `}`,
			201, "S2", "application/json", petsJSON(t)},
		{"raw application/yaml", "?id=s3&visibility=public", "application/yaml", petsSpec, 201, "Pets", "application/yaml", petsSpec},
		{"raw application/x-yaml", "?id=s4&name=Four", "application/x-yaml; charset=utf-8", petsSpec, 201, "Four", "application/yaml", petsSpec},
		{"raw text/yaml", "?id=s5", "text/yaml", petsSpec, 201, "Pets", "application/yaml", petsSpec},
		{"raw JSON description", "?id=s6&owner=alice", "application/json", petsJSON(t), 201, "Pets", "application/json", petsJSON(t)},
		{"raw YAML with a setting the query cannot give", "?id=s7&allow_query_token=true", "application/yaml", petsSpec, 400, "", "", ""},
		{"spec neither string nor object", "", "application/json", `{"name":"x","spec":7}`, 400, "", "", ""},
		{"raw YAML without a title or a name", "?id=s8", "application/yaml",
			strings.Replace(petsSpec, "title: Pets, ", "", 1), 422, "", "", ""},
		{"raw YAML that does not load", "?id=s9", "application/yaml", "openapi: 3.0.3\npaths: 7\n", 422, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := c.do("POST", "/_admin/projects"+tc.query, tc.body, append([]string{"Content-Type", tc.contentType}, auth...)...)
			require.Equal(t, tc.status, status, string(body))
			var out map[string]any
			require.NoError(t, json.Unmarshal(body, &out))
			if tc.status != 201 {
				assert.NotEmpty(t, out["code"])
				return
			}
			assert.Equal(t, tc.wantName, out["name"])
			id := out["id"].(string)
			status, hdr, spec := c.do("GET", "/_admin/projects/"+id+"/spec", "", auth...)
			require.Equal(t, http.StatusOK, status)
			assert.Equal(t, tc.wantFormat, hdr.Get("Content-Type"))
			if tc.wantFormat == "application/json" {
				assert.JSONEq(t, tc.wantSpec, string(spec))
			} else {
				assert.Equal(t, tc.wantSpec, string(spec), "YAML comes back as it was sent")
			}
		})
	}
	p := c.admin("GET", "/projects/s3", nil, 200)
	assert.Equal(t, "public", p["visibility"], "query fields are applied")
	p = c.admin("GET", "/projects/s6", nil, 200)
	assert.Equal(t, "alice", p["owner"])
	c.admin("GET", "/projects/nope/spec", nil, 404)
}

// PUT .../spec takes the description as the body (YAML or JSON) or as
// {"spec": string or object}, and GET .../spec answers the latest.
func TestAdminPutSpecInEveryForm(t *testing.T) {
	t.Parallel()
	_, c, _ := startWith(t, Options{})
	auth := []string{"Authorization", "Bearer " + adminToken}
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
	v2 := strings.Replace(petsSpec, "/pets/{petId}:", "/animals:\n    get:\n      operationId: listAnimals\n      responses:\n        \"200\": {description: ok}\n  /pets/{petId}:", 1)
	v2JSON := toJSON(t, v2)
	for _, tc := range []struct {
		name, contentType, body string
		status                  int
		wantFormat, wantSpec    string
	}{
		{"raw YAML", "application/yaml", v2, 200, "application/yaml", v2},
		{"wrapped JSON object", "application/json", `{"spec":` + petsJSON(t) + `}`, 200, "application/json", petsJSON(t)},
		{"wrapped YAML string", "application/json", `{"spec":` + jsonString(v2) + `}`, 200, "application/yaml", v2},
		{"raw JSON description", "application/json", v2JSON, 200, "application/json", v2JSON},
		{"YAML without a media type", "", v2, 200, "application/yaml", v2},
		{"spec neither string nor object", "application/json", `{"spec":[1]}`, 400, "", ""},
		{"does not load", "application/yaml", "openapi: 3.0.3\npaths: 7\n", 422, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := auth
			if tc.contentType != "" {
				headers = append([]string{"Content-Type", tc.contentType}, auth...)
			}
			status, _, body := c.do("PUT", "/_admin/projects/pets/spec", tc.body, headers...)
			require.Equal(t, tc.status, status, string(body))
			if tc.status != 200 {
				assert.Contains(t, string(body), `"code"`)
				return
			}
			status, hdr, spec := c.do("GET", "/_admin/projects/pets/spec", "", auth...)
			require.Equal(t, 200, status)
			assert.Equal(t, tc.wantFormat, hdr.Get("Content-Type"))
			assert.Equal(t, tc.wantSpec, string(spec))
			status, _, _ = c.do("GET", "/p/pets/animals", "")
			assert.Equal(t, strings.Contains(tc.wantSpec, "animals"), status == 200, "the new spec is served")
		})
	}
}

// dupSpec has a duplicate operationId (a loader warning) and an example
// that contradicts its schema (a mock warning), each at a known line.
const dupSpec = `openapi: 3.0.3
info: {title: Dup, version: "1"}
paths:
  /a:
    get:
      operationId: same
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: integer}
              example: "not a number"
  /b:
    get:
      operationId: same
      responses:
        "200": {description: ok}
`

// GET .../warnings lists each warning with its pointer and line; the
// project shows their count.
func TestAdminWarnings(t *testing.T) {
	t.Parallel()
	s, c, _ := startWith(t, Options{})
	for _, tc := range []struct {
		name, spec string
		format     func(string) string
	}{
		{"yaml", dupSpec, func(s string) string { return s }},
		{"json", dupSpec, func(s string) string { return toJSON(t, s) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.format(tc.spec)
			p := c.admin("POST", "/projects", map[string]any{"id": "dup-" + tc.name, "spec": spec}, 201)
			status, _, body := c.do("GET", "/_admin/projects/dup-"+tc.name+"/warnings", "", "Authorization", "Bearer "+adminToken)
			require.Equal(t, 200, status, string(body))
			var ws []map[string]any
			require.NoError(t, json.Unmarshal(body, &ws))
			assert.Equal(t, p["warnings"], float64(len(ws)), "the list has as many warnings as the project counts")
			lines := strings.Split(spec, "\n")
			found := map[string]bool{}
			for _, w := range ws {
				ptr, _ := w["pointer"].(string)
				assert.Contains(t, w, "message")
				assert.Contains(t, w, "path")
				switch ptr {
				case "/paths/~1b/get/operationId":
					found["duplicate"] = true
					require.Contains(t, w, "line")
					assert.Contains(t, lines[int(w["line"].(float64))-1], `same`, "the line of the duplicate operationId")
					assert.Equal(t, "paths./b.get.operationId", w["path"])
				case "/paths/~1a/get/responses/200/content/application~1json/example":
					found["example"] = true
					require.Contains(t, w, "line")
					assert.Contains(t, lines[int(w["line"].(float64))-1], "not a number", "the line of the example")
				}
			}
			assert.True(t, found["duplicate"], "the loader's warning is listed: %s", body)
			assert.True(t, found["example"], "the mock's warning is listed: %s", body)

			ws2, err := s.Warnings(t.Context(), "dup-"+tc.name)
			require.NoError(t, err)
			assert.Len(t, ws2, len(ws), "the Go API lists the same")
		})
	}
	c.admin("GET", "/projects/nope/warnings", nil, 404)
}
