package mockapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// POST /_admin/projects and PUT .../spec take recorded traffic (HAR,
// Postman, curl) in every form a description is taken, store the
// description derived from it, and serve it.
func TestAdminCreatesProjectFromTraffic(t *testing.T) {
	t.Parallel()
	_, c, _ := startWith(t, Options{})
	auth := []string{"Authorization", "Bearer " + adminToken}
	read := func(name string) string {
		b, err := os.ReadFile("openapi/importer/testdata/" + name)
		require.NoError(t, err)
		return string(b)
	}
	har, postman, curl := read("shop.har"), read("library.postman_collection.json"), read("api.curl")
	for _, tc := range []struct {
		name, query, contentType, body string
		status                         int
		wantName, path                 string
	}{
		{"raw HAR", "?id=har&visibility=public", "application/json", har, 201, "api.shop.example.com", "/p/har/v1/users/42"},
		{"HAR as spec", "", "application/json", `{"id":"har2","visibility":"public","spec":` + har + `}`, 201, "api.shop.example.com", "/p/har2/v1/users/42"},
		{"raw Postman", "?id=pm&visibility=public&name=Library", "application/json", postman, 201, "Library", "/p/pm/api/v2/books?genre=x&limit=1"},
		{"raw curl", "?id=curl&visibility=public", "text/plain", curl, 201, "weather.example.net", "/p/curl/v3/stations?country=NZ&active=true"},
		{"curl as spec string", "", "application/json", `{"id":"curl2","visibility":"public","spec":` + jsonString(curl) + `}`, 201, "weather.example.net", "/p/curl2/v3/stations?country=NZ&active=true"},
		{"curl without a URL", "?id=bad", "text/plain", "curl -X POST\n", 422, "", ""},
		{"HAR without an entry", "?id=bad2", "application/json", `{"log":{"version":"1.2","entries":[]}}`, 422, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := c.do("POST", "/_admin/projects"+tc.query, tc.body, append([]string{"Content-Type", tc.contentType}, auth...)...)
			require.Equal(t, tc.status, status, string(body))
			var out map[string]any
			require.NoError(t, json.Unmarshal(body, &out))
			if tc.status != 201 {
				assert.Equal(t, "VALIDATION_ERROR", out["code"])
				assert.Contains(t, out["detail"], "importer:")
				return
			}
			assert.Equal(t, tc.wantName, out["name"])
			id := out["id"].(string)
			status, hdr, spec := c.do("GET", "/_admin/projects/"+id+"/spec", "", auth...)
			require.Equal(t, http.StatusOK, status)
			assert.Equal(t, "application/yaml", hdr.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(string(spec), "openapi: 3.1.0\n"), "the derived description is stored")
			status, _, ws := c.do("GET", "/_admin/projects/"+id+"/warnings", "", auth...)
			require.Equal(t, http.StatusOK, status)
			assert.JSONEq(t, "[]", string(ws), "the derived description loads without a warning")
			status, _, got := c.do("GET", tc.path, "", "Authorization", "Bearer x", "X-API-Key", "x")
			assert.Equal(t, http.StatusOK, status, string(got))
		})
	}

	// PUT .../spec replaces a description with one derived from traffic.
	status, _, body := c.do("PUT", "/_admin/projects/curl/spec", har, append([]string{"Content-Type", "application/json"}, auth...)...)
	require.Equal(t, http.StatusOK, status, string(body))
	status, _, body = c.do("GET", "/p/curl/v1/users/42", "", "Authorization", "Bearer x")
	assert.Equal(t, http.StatusOK, status, string(body))
}

// The dashboard's spec forms take recorded traffic too: uploaded or
// pasted, the derived description is what the project stores.
func TestDashboardCreatesProjectFromTraffic(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.signIn()
	ctx := context.Background()
	har, err := os.ReadFile("openapi/importer/testdata/shop.har")
	require.NoError(t, err)
	curl, err := os.ReadFile("openapi/importer/testdata/api.curl")
	require.NoError(t, err)

	e.get(DashboardPath + "/")
	resp, _ := e.upload(DashboardPath+"/projects", map[string]string{"id": "shop", "visibility": "public"}, string(har))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p, err := e.s.Project(ctx, "shop")
	require.NoError(t, err)
	assert.Equal(t, "api.shop.example.com", p.Name)
	spec, _, err := e.s.Spec(ctx, "shop")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(spec), "openapi: 3.1.0\n"))

	// Replaced by pasted curl commands.
	e.get(DashboardPath + "/projects/shop")
	resp, _ = e.post(DashboardPath+"/projects/shop/spec", url.Values{"spec": {string(curl)}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	h, err := e.s.Mock(ctx, "shop")
	require.NoError(t, err)
	assert.NotNil(t, h.Document().Operation("getV3Stations"))

	// A capture that yields nothing is refused, with what is wrong.
	e.get(DashboardPath + "/")
	resp, body := e.post(DashboardPath+"/projects", url.Values{"id": {"none"}, "spec": {"curl -X POST\n"}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "no HTTP request to describe")
}
