package mockapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
	"github.com/mockapi-go/mockapi/store/storetest"
)

const petsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      operationId: createPet
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /pets/{petId}:
    get:
      operationId: getPet
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404": {description: not found}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
`

const adminToken = "test-admin-token-0123456789abcdefghij"

// client drives a Server over HTTP like any user would.
type client struct {
	t    *testing.T
	base string
}

func (c *client) do(method, path, body string, headers ...string) (int, http.Header, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, resp.Header, b
}

func (c *client) admin(method, path string, in any, want int) map[string]any {
	c.t.Helper()
	var body string
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(c.t, err)
		body = string(b)
	}
	status, _, out := c.do(method, "/_admin"+path, body, "Authorization", "Bearer "+adminToken)
	require.Equal(c.t, want, status, "%s %s: %s", method, path, out)
	var m map[string]any
	if len(out) > 0 && out[0] == '{' {
		require.NoError(c.t, json.Unmarshal(out, &m))
	}
	return m
}

func startServer(t *testing.T, st *store.Store) (*Server, *client) {
	s, err := New(Options{Store: st, AdminToken: adminToken, MockOptions: []mock.Option{mock.WithSeed(1)}})
	require.NoError(t, err)
	ts := httptest.NewServer(adminContract(t, s))
	t.Cleanup(func() {
		ts.Close()
		require.NoError(t, s.Close())
	})
	return s, &client{t: t, base: ts.URL}
}

func TestServerEndToEnd(t *testing.T) {
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	_, c := startServer(t, st)
	runEndToEnd(t, c, nil)
}

// runEndToEnd drives only the management API and the invoke URLs. When
// restart is not nil it is called halfway and returns a client for a new
// server on the same store.
func runEndToEnd(t *testing.T, c *client, restart func() *client) {
	// The management API needs the admin token.
	status, hdr, _ := c.do("GET", "/_admin/projects", "")
	assert.Equal(t, 401, status)
	assert.Contains(t, hdr.Get("WWW-Authenticate"), "Bearer")
	status, _, _ = c.do("GET", "/_admin/projects", "", "Authorization", "Bearer wrong")
	assert.Equal(t, 401, status)

	// A spec that does not load is 422 with the loader's located error.
	bad := c.admin("POST", "/projects", map[string]any{"name": "Bad", "spec": "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n"}, 422)
	assert.Contains(t, bad["detail"], `$ref "#/components/responses/Nope" not found`)

	p := c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "private"}, 201)
	assert.Equal(t, "/p/pets", p["invoke_url"])
	assert.Equal(t, float64(3), p["operations"])
	other := c.admin("POST", "/projects", map[string]any{"name": "Other", "spec": petsSpec, "visibility": "private"}, 201)
	otherID := other["id"].(string)
	require.NotEmpty(t, otherID)

	// Private: no key 401, key for another project 403, right key 200.
	status, hdr, _ = c.do("GET", "/p/pets/pets", "")
	assert.Equal(t, 401, status)
	assert.NotEmpty(t, hdr.Get("WWW-Authenticate"))
	key := c.admin("POST", "/keys", map[string]any{"name": "ci", "projects": []string{"pets"}}, 201)
	secretKey := key["key"].(string)
	require.True(t, strings.HasPrefix(secretKey, "mk_"))
	wrong := c.admin("POST", "/keys", map[string]any{"name": "other", "projects": []string{otherID}}, 201)
	status, _, _ = c.do("GET", "/p/pets/pets", "", "Authorization", "Bearer "+wrong["key"].(string))
	assert.Equal(t, 403, status)
	status, _, body := c.do("GET", "/p/pets/pets", "", "X-API-Key", secretKey)
	require.Equal(t, 200, status, string(body))
	status, _, body = c.do("POST", "/p/pets/pets", `{"id":77,"name":"Bella"}`, "X-API-Key", secretKey)
	require.Equal(t, 201, status, string(body))
	// A key in the query is refused until the project allows it: URLs
	// end up in logs and histories.
	assert.Equal(t, false, p["allow_query_token"])
	status, _, _ = c.do("GET", "/p/pets/pets/77?apidogToken="+secretKey, "")
	assert.Equal(t, 401, status)
	patched := c.admin("PATCH", "/projects/pets", map[string]any{"allow_query_token": true}, 200)
	assert.Equal(t, true, patched["allow_query_token"])
	status, _, body = c.do("GET", "/p/pets/pets/77?apidogToken="+secretKey, "")
	require.Equal(t, 200, status, string(body))
	assert.Contains(t, string(body), "Bella")

	// The key list never shows secrets.
	status, _, body = c.do("GET", "/_admin/keys", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, 200, status)
	assert.NotContains(t, string(body), secretKey)

	if restart != nil {
		c = restart()
		status, _, body = c.do("GET", "/p/pets/pets/77", "", "X-API-Key", secretKey)
		require.Equal(t, 200, status, "projects, keys and data survive a restart: %s", body)
	}

	// A share link without a token to a private project needs a key,
	// like a direct call.
	link := c.admin("POST", "/projects/pets/links", map[string]any{"require_token": false}, 201)
	shareURL := link["url"].(string)
	require.True(t, strings.HasPrefix(shareURL, "/s/"))
	status, _, body = c.do("GET", shareURL+"/pets/1", "")
	assert.Equal(t, 401, status, string(body))
	status, _, body = c.do("GET", shareURL+"/pets/1", "", "X-API-Key", secretKey)
	assert.Equal(t, 200, status, string(body))

	// Revoking the key: 401 at once. Revoking the link: 404.
	c.admin("DELETE", "/keys/"+key["id"].(string), nil, 204)
	status, _, _ = c.do("GET", "/p/pets/pets", "", "X-API-Key", secretKey)
	assert.Equal(t, 401, status)
	c.admin("DELETE", "/links/"+link["id"].(string), nil, 204)
	status, _, _ = c.do("GET", shareURL+"/pets/1", "")
	assert.Equal(t, 404, status)

	// Analytics count the calls per endpoint, with latencies.
	a := c.admin("GET", "/projects/pets/analytics?period=7d", nil, 200)
	assert.GreaterOrEqual(t, a["total_requests"], float64(7))
	assert.Equal(t, "7d", a["time_period"])
	top := a["top_endpoints"].([]any)
	require.NotEmpty(t, top)
	seen := map[string]float64{}
	for _, e := range top {
		m := e.(map[string]any)
		seen[m["operation_id"].(string)] = m["requests_count"].(float64)
		assert.Contains(t, m, "avg_response_time_ms")
		if m["operation_id"] == "getPet" {
			assert.Equal(t, "/pets/{petId}", m["path"])
			assert.Equal(t, "GET", m["method"])
		}
	}
	assert.GreaterOrEqual(t, seen["listPets"], float64(3))
	assert.GreaterOrEqual(t, seen["getPet"], float64(2))
	byStatus := a["by_status"].(map[string]any)
	assert.Positive(t, byStatus["2xx"])
	assert.Positive(t, byStatus["4xx"])

	// Logs: newest first, never a secret.
	status, _, body = c.do("GET", "/_admin/projects/pets/logs?limit=50", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, 200, status)
	assert.NotContains(t, string(body), secretKey)
	var logs []map[string]any
	require.NoError(t, json.Unmarshal(body, &logs))
	require.NotEmpty(t, logs)
	assert.Equal(t, "/pets", logs[0]["path"])
	assert.Equal(t, float64(401), logs[0]["status"])

	// Visibility, per-operation overrides and spec replacement.
	c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"listPets": "public"}}, 200)
	status, _, _ = c.do("GET", "/p/pets/pets", "")
	assert.Equal(t, 200, status, "a public operation in a private project is open")
	c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"nope": "public"}}, 422)
	c.admin("PATCH", "/projects/pets", map[string]any{"visibility": "public"}, 200)
	status, _, _ = c.do("GET", "/p/pets/pets/1", "")
	assert.Equal(t, 200, status)
	newSpec := strings.Replace(petsSpec, "/pets/{petId}:", "/animals:\n    get:\n      operationId: listAnimals\n      responses:\n        \"200\": {description: ok}\n  /pets/{petId}:", 1)
	c.admin("PUT", "/projects/pets/spec", map[string]any{"spec": newSpec}, 200)
	status, _, _ = c.do("GET", "/p/pets/animals", "")
	assert.Equal(t, 200, status, "a replaced spec is served on the next request")

	// Reset restores the seed data.
	c.admin("POST", "/projects/pets/reset", nil, 204)
	status, _, _ = c.do("GET", "/p/pets/pets/77", "")
	assert.Equal(t, 404, status)

	c.admin("DELETE", "/projects/pets", nil, 204)
	status, _, _ = c.do("GET", "/p/pets/pets", "")
	assert.Equal(t, 404, status)
	c.admin("GET", "/projects/pets", nil, 404)
}

func TestServerEndToEndSQLiteRestart(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "mockapi.db")
	open := func() *store.Store {
		st, err := sqlite.Open(context.Background(), dsn)
		require.NoError(t, err)
		return st
	}
	st := open()
	s, err := New(Options{Store: st, AdminToken: adminToken})
	require.NoError(t, err)
	ts := httptest.NewServer(adminContract(t, s))
	c := &client{t: t, base: ts.URL}
	var second *store.Store
	runEndToEnd(t, c, func() *client {
		ts.Close()
		require.NoError(t, s.Close())
		require.NoError(t, st.Close())
		second = open()
		s2, c2 := startServer(t, second)
		_ = s2
		return c2
	})
	t.Cleanup(func() { _ = second.Close() })
}

func TestServersSharePostgreSQL(t *testing.T) {
	dsn := os.Getenv("MOCKAPI_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("MOCKAPI_TEST_POSTGRES is not set: two servers on one PostgreSQL database not tested")
	}
	schemaDSN := storetest.PostgresSchema(t, dsn)
	open := func() *store.Store {
		st, err := postgres.Open(context.Background(), schemaDSN)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	_, a := startServer(t, open())
	_, b := startServer(t, open())

	a.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec}, 201)
	key := a.admin("POST", "/keys", map[string]any{"name": "k", "projects": []string{"pets"}}, 201)
	status, _, body := b.do("GET", "/p/pets/pets", "", "X-API-Key", key["key"].(string))
	require.Equal(t, 200, status, string(body))
	status, _, _ = a.do("POST", "/p/pets/pets", `{"id":500,"name":"Shared"}`, "X-API-Key", key["key"].(string))
	require.Equal(t, 201, status)
	status, _, body = b.do("GET", "/p/pets/pets/500", "", "X-API-Key", key["key"].(string))
	assert.Equal(t, 200, status, "data written through one instance is served by the other")
	assert.Contains(t, string(body), "Shared")

	a.admin("PATCH", "/keys/"+key["id"].(string), map[string]any{"active": false}, 200)
	status, _, _ = b.do("GET", "/p/pets/pets", "", "X-API-Key", key["key"].(string))
	assert.Equal(t, 401, status, "a key deactivated through one instance is refused by the other")
	a.admin("PATCH", "/keys/"+key["id"].(string), map[string]any{"active": true}, 200)
	status, _, _ = b.do("GET", "/p/pets/pets", "", "X-API-Key", key["key"].(string))
	assert.Equal(t, 200, status, "and accepted again once reactivated")

	link := a.admin("POST", "/projects/pets/links", map[string]any{}, 201)
	linkURL := link["url"].(string) + "/pets"
	status, _, body = b.do("GET", linkURL, "", "X-API-Key", key["key"].(string))
	require.Equal(t, 200, status, string(body))
	a.admin("PATCH", "/links/"+link["id"].(string), map[string]any{"enabled": false}, 200)
	status, _, _ = b.do("GET", linkURL, "", "X-API-Key", key["key"].(string))
	assert.Equal(t, 404, status, "a link disabled through one instance is refused by the other")
	a.admin("PATCH", "/links/"+link["id"].(string), map[string]any{"enabled": true}, 200)
	// A project's settings reach the other instance with the change
	// notification, which follows the commit by a millisecond or so
	// (store.Projects.Version): not necessarily before the next request.
	linkStatus := func() int {
		status, _, _ := b.do("GET", linkURL, "", "X-API-Key", key["key"].(string))
		return status
	}
	a.admin("PATCH", "/projects/pets", map[string]any{"sharing": false}, 200)
	assert.Eventually(t, func() bool { return linkStatus() == 404 }, 5*time.Second, 5*time.Millisecond,
		"sharing turned off through one instance stops the link on the other")
	a.admin("PATCH", "/projects/pets", map[string]any{"sharing": true}, 200)
	assert.Eventually(t, func() bool { return linkStatus() == 200 }, 5*time.Second, 5*time.Millisecond,
		"and turned on again, brings it back")

	a.admin("DELETE", "/keys/"+key["id"].(string), nil, 204)
	status, _, _ = b.do("GET", "/p/pets/pets", "", "X-API-Key", key["key"].(string))
	assert.Equal(t, 401, status, "a key revoked through one instance is refused by the other")

	newSpec := strings.Replace(petsSpec, "title: Pets", "title: Pets v2", 1) + ""
	newSpec = strings.Replace(newSpec, "  /pets/{petId}:", "  /animals:\n    get:\n      operationId: listAnimals\n      responses:\n        \"200\": {description: ok}\n  /pets/{petId}:", 1)
	a.admin("PATCH", "/projects/pets", map[string]any{"visibility": "public"}, 200)
	a.admin("PUT", "/projects/pets/spec", map[string]any{"spec": newSpec}, 200)
	assert.Eventually(t, func() bool {
		status, _, _ := b.do("GET", "/p/pets/animals", "")
		return status == 200
	}, 5*time.Second, 5*time.Millisecond, "a spec updated through one instance is served by the other")
}

func TestServerDefaultProjectAndAdminOff(t *testing.T) {
	st := memory.New(store.WithTouchInterval(0))
	defer st.Close()
	s, err := New(Options{Store: st})
	require.NoError(t, err)
	defer s.Close()
	ts := httptest.NewServer(s)
	defer ts.Close()
	c := &client{t: t, base: ts.URL}
	status, _, _ := c.do("GET", "/pets", "")
	assert.Equal(t, 404, status, "no default project yet")
	_, err = s.PutProject(context.Background(), "default", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)
	status, _, body := c.do("GET", "/pets", "")
	assert.Equal(t, 200, status, string(body))
	status, _, _ = c.do("GET", "/p/default/pets", "")
	assert.Equal(t, 200, status)
	status, _, _ = c.do("GET", "/_admin/projects", "", "Authorization", "Bearer anything")
	assert.Equal(t, 404, status, "no admin token: the management API is off")
	_, err = s.PutProject(context.Background(), "default", "Pets", []byte("not: a spec"), store.Public)
	assert.Error(t, err)
}
