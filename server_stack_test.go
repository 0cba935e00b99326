package mockapi

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// shopSpec declares its own credentials (a bearer token or an apiKey
// header that is not the platform's) and an OPTIONS operation.
const shopSpec = `openapi: 3.0.3
info: {title: Shop, version: "1"}
security: [{bearer: []}, {shopKey: []}]
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Order"}}
        "401": {description: no credentials}
    post:
      operationId: createOrder
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
    options:
      operationId: orderOptions
      responses:
        "200":
          description: the operation, not a preflight answer
          content:
            text/plain:
              schema: {type: string, example: SECRET-OPTIONS-BODY}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    shopKey: {type: apiKey, in: header, name: X-Shop-Key}
  schemas:
    Order:
      type: object
      required: [sku]
      properties:
        id: {type: integer, readOnly: true}
        sku: {type: string}
`

// stack is a Server with a private shop, a public shop, a key for the
// private one, token-less share links to the private shop and to a shop
// for authenticated callers, and a rate-limited project.
type stack struct {
	c                         *client
	key, link, privLink, slow string
}

func newStack(t *testing.T) *stack {
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	_, c := startServer(t, st)
	c.admin("POST", "/projects", map[string]any{"id": "shop", "name": "Shop", "spec": shopSpec, "visibility": "private", "allow_query_token": true}, 201)
	c.admin("POST", "/projects", map[string]any{"id": "open", "name": "Open", "spec": shopSpec, "visibility": "public"}, 201)
	c.admin("POST", "/projects", map[string]any{"id": "team", "name": "Team", "spec": shopSpec, "visibility": "authenticated"}, 201)
	c.admin("POST", "/projects", map[string]any{"id": "slow", "name": "Slow", "spec": shopSpec, "visibility": "public"}, 201)
	c.admin("PATCH", "/projects/slow", map[string]any{"rate_limit": map[string]any{"requests": 1, "per": "1h"}}, 200)
	key := c.admin("POST", "/keys", map[string]any{"name": "frontend", "projects": []string{"shop", "open"}}, 201)["key"].(string)
	link := c.admin("POST", "/projects/team/links", map[string]any{"require_token": false}, 201)["url"].(string)
	privLink := c.admin("POST", "/projects/shop/links", map[string]any{"require_token": false}, 201)["url"].(string)
	return &stack{c: c, key: key, link: link, privLink: privLink}
}

// Every refusal of the composed stack carries the CORS headers, so a page
// reads "401, key missing" rather than a CORS failure.
func TestStackRefusalsCarryCORS(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	const origin = "https://app.example"
	// The rate-limited project's one request of the hour.
	status, _, _ := s.c.do("GET", "/p/slow/orders", "", "Authorization", "Bearer eyJ.x")
	require.Equal(t, 200, status)

	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		code                     string
	}{
		{"no such project", "GET", "/p/nope/orders", "", nil, 404, "NOT_FOUND"},
		{"private project without a key", "GET", "/p/shop/orders", "", nil, 401, "AUTHENTICATION_REQUIRED"},
		{"a key that does not exist", "GET", "/p/shop/orders", "", []string{"X-API-Key", "mk_nope"}, 401, "INVALID_API_KEY"},
		{"unknown share link", "GET", "/s/msl_unknownunknownunknownunknown/orders", "", nil, 404, ""},
		{"rate limited", "GET", "/p/slow/orders", "", []string{"Authorization", "Bearer eyJ.x"}, 429, "RATE_LIMITED"},
		{"invalid body", "POST", "/p/shop/orders", `{"sku": 5}`, []string{"X-API-Key", s.key}, 422, "VALIDATION_ERROR"},
		{"unknown path", "GET", "/p/shop/nope", "", []string{"X-API-Key", s.key}, 404, "NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := s.c.do(tc.method, tc.path, tc.body, append([]string{"Origin", origin}, tc.headers...)...)
			require.Equal(t, tc.status, status, string(body))
			if tc.code != "" {
				assert.Contains(t, string(body), `"`+tc.code+`"`)
			}
			assert.Equal(t, "*", hdr.Get("Access-Control-Allow-Origin"))
			expose := hdr.Get("Access-Control-Expose-Headers")
			for _, name := range []string{"Www-Authenticate", "Retry-After", "Ratelimit-Remaining", "Location", "X-Total-Count"} {
				assert.Contains(t, expose, name)
			}
		})
	}
}

// A preflight is answered by the CORS layer, in front of the guard: it
// never reaches an operation, whatever the project's visibility (security
// M8), while a plain OPTIONS request is an ordinary guarded request.
func TestStackPreflightNeverReachesAnOperation(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	status, hdr, body := s.c.do("OPTIONS", "/p/shop/orders", "", "Origin", "https://app.example",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-api-key")
	assert.Equal(t, 204, status)
	assert.Empty(t, body)
	assert.Equal(t, "*", hdr.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "x-api-key", hdr.Get("Access-Control-Allow-Headers"))

	status, _, body = s.c.do("OPTIONS", "/p/shop/orders", "", "Origin", "https://app.example")
	assert.Equal(t, 401, status, "a plain OPTIONS to a private project needs a key")
	assert.NotContains(t, string(body), "SECRET-OPTIONS-BODY")
	status, _, body = s.c.do("OPTIONS", "/p/shop/orders", "", "X-API-Key", s.key)
	assert.Equal(t, 200, status)
	assert.Contains(t, string(body), "SECRET-OPTIONS-BODY")
}

// Credentials compose: the platform's key admits a caller that also sends
// its own Authorization, and a caller the guard admitted is never refused
// by the spec's own security scheme.
func TestStackCredentialsCompose(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	for _, tc := range []struct {
		name    string
		path    string
		headers []string
		status  int
	}{
		{"key in X-API-Key with the caller's own bearer JWT", "/p/shop/orders",
			[]string{"X-API-Key", s.key, "Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"}, 200},
		{"key in apidogToken with the caller's own bearer JWT", "/p/shop/orders?apidogToken=" + s.key,
			[]string{"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"}, 200},
		{"key alone: the spec's bearer scheme does not refuse it", "/p/shop/orders",
			[]string{"X-API-Key", s.key}, 200},
		{"key alone on a public project", "/p/open/orders", []string{"Authorization", "Bearer " + s.key}, 200},
		{"share link alone: the spec's scheme does not refuse the visitor", s.link + "/orders", nil, 200},
		{"share link alone to a private project: a key is needed", s.privLink + "/orders", nil, 401},
		{"share link to a private project with a key", s.privLink + "/orders", []string{"X-API-Key", s.key}, 200},
		{"anonymous on a public project: the spec's own security applies", "/p/open/orders", nil, 401},
		{"the spec's own apiKey header on a public project", "/p/open/orders", []string{"X-Shop-Key", "abc"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := s.c.do("GET", tc.path, "", tc.headers...)
			assert.Equal(t, tc.status, status, string(body))
		})
	}
}

// The reset path resets in the caller's scope: a share-link visitor drops
// only their own writes and never the project's data (security M1); the
// shared data needs a key.
func TestStackResetPathScope(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, AdminToken: adminToken,
		MockOptions: []mock.Option{mock.WithSeed(1), mock.WithResetPath("/__mock/reset")}})
	require.NoError(t, err)
	ts := httptest.NewServer(adminContract(t, s))
	t.Cleanup(func() { ts.Close(); _ = s.Close() })
	c := &client{t: t, base: ts.URL}
	// Authenticated, not private: a link alone opens it.
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "authenticated"}, 201)
	c.admin("POST", "/projects", map[string]any{"id": "open", "name": "Open", "spec": petsSpec, "visibility": "public"}, 201)
	key := c.admin("POST", "/keys", map[string]any{"name": "k", "projects": []string{"pets"}}, 201)["key"].(string)
	link := c.admin("POST", "/projects/pets/links", map[string]any{"require_token": false}, 201)["url"].(string)

	status, _, body := c.do("POST", "/p/pets/pets", `{"id":500,"name":"Base"}`, "X-API-Key", key)
	require.Equal(t, 201, status, string(body))
	visitor := []string{"X-Mock-Session", "v1"}
	status, _, body = c.do("POST", link+"/pets", `{"id":600,"name":"Mine"}`, visitor...)
	require.Equal(t, 201, status, string(body))

	// The visitor's reset: their write is gone, the project's data is not.
	status, _, body = c.do("POST", link+"/__mock/reset", "", visitor...)
	require.Equal(t, 204, status, string(body))
	status, _, _ = c.do("GET", link+"/pets/600", "", visitor...)
	assert.Equal(t, 404, status, "the visitor's own write is reset")
	status, _, _ = c.do("GET", "/p/pets/pets/500", "", "X-API-Key", key)
	assert.Equal(t, 200, status, "a link visitor cannot wipe the project")
	status, _, _ = c.do("GET", link+"/pets/500", "", visitor...)
	assert.Equal(t, 200, status)

	// Anonymous callers of a public project may reset only a session.
	status, _, _ = c.do("POST", "/p/open/__mock/reset", "")
	assert.Equal(t, 403, status)
	status, _, _ = c.do("POST", "/p/open/__mock/reset", "", "X-Mock-Session", "anon")
	assert.Equal(t, 204, status)

	// A key holder resets the project's data.
	status, _, _ = c.do("POST", "/p/pets/__mock/reset", "", "X-API-Key", key)
	require.Equal(t, 204, status)
	status, _, _ = c.do("GET", "/p/pets/pets/500", "", "X-API-Key", key)
	assert.Equal(t, 404, status)
}

// A spec is parsed once per version: PutProject and the management API
// compile what they parsed to check it, and a change of visibility or
// settings keeps the parsed document and the mock handler.
func TestStackParsesOncePerSpec(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	s, c := startServer(t, st)

	p, err := s.PutProject(t.Context(), "default", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)
	first := s.cached("default")
	require.NotNil(t, first, "PutProject compiled what it parsed")
	assert.Equal(t, p.Version, first.project.Version)
	assert.Nil(t, first.project.Spec, "the cache keeps no spec bytes")

	c.admin("POST", "/projects", map[string]any{"id": "shop", "name": "Shop", "spec": shopSpec, "visibility": "private"}, 201)
	created := s.cached("shop")
	require.NotNil(t, created, "creating through the API compiled the checked spec")

	c.admin("PATCH", "/projects/shop", map[string]any{"visibility": "public", "rate_limit": map[string]any{"requests": 5, "per": "1m"}}, 200)
	status, _, _ := c.do("GET", "/p/shop/orders", "", "Authorization", "Bearer eyJ.x")
	require.Equal(t, 200, status)
	patched := s.cached("shop")
	require.Greater(t, patched.project.Version, created.project.Version)
	assert.Same(t, created.doc, patched.doc, "a settings change parses nothing")
	assert.Same(t, created.mock, patched.mock, "and keeps the mock handler")
	assert.Equal(t, store.Public, patched.policy.Visibility)

	c.admin("PUT", "/projects/shop/spec", map[string]any{"spec": petsSpec}, 200)
	replaced := s.cached("shop")
	require.Greater(t, replaced.project.Version, patched.project.Version, "the new spec was compiled before the answer")
	assert.NotSame(t, patched.doc, replaced.doc)
	assert.NotNil(t, replaced.doc.Operation("getPet"))
}

// URLs the mock writes point inside the mount it was called through:
// follow a 201's Location under /p/{id}/ and through a share link, and
// reach the new record.
func TestStackLocationInsideTheMount(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.c.admin("POST", "/projects", map[string]any{"id": "zoo", "name": "Zoo", "spec": petsSpec, "visibility": "authenticated"}, 201)
	key := s.c.admin("POST", "/keys", map[string]any{"name": "zoo", "projects": []string{"zoo"}}, 201)["key"].(string)
	link := s.c.admin("POST", "/projects/zoo/links", map[string]any{"require_token": false}, 201)["url"].(string)
	for _, tc := range []struct {
		name, base string
		headers    []string
	}{
		{"project", "/p/zoo", []string{"X-API-Key", key}},
		{"share link", link, []string{"X-Mock-Session", "visitor-7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := s.c.do("POST", tc.base+"/pets", `{"id":900,"name":"Bella"}`, tc.headers...)
			require.Equal(t, 201, status, string(body))
			loc := hdr.Get("Location")
			assert.True(t, strings.HasPrefix(loc, tc.base+"/pets/"), "Location %q is inside %s", loc, tc.base)
			status, _, body = s.c.do("GET", loc, "", tc.headers...)
			assert.Equal(t, 200, status, "following Location reaches the record: %s", body)
			assert.Contains(t, string(body), `"Bella"`)
		})
	}
}

// TestStackProjectMount pins the request the stack serves under
// /p/{id}/ and at the root: the path without the mount, routed, and
// logged as such; the caller's request is left as it was.
func TestStackProjectMount(t *testing.T) {
	ctx := context.Background()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, MockOptions: []mock.Option{mock.WithoutState()}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	for _, id := range []string{"default", "p1"} {
		_, err = s.PutProject(ctx, id, id, []byte(petsSpec), store.Public)
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		target, project, path, operation string
		status                           int
	}{
		{"/p/p1/pets/7", "p1", "/pets/7", "getPet", 200},
		{"/p/p1/pets", "p1", "/pets", "listPets", 200},
		{"/p/p1/pets/%37", "p1", "/pets/7", "getPet", 200},
		{"/p/p1", "p1", "/", "", 404},
		{"/pets/7", "default", "/pets/7", "getPet", 200},
	} {
		t.Run(tc.target, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.target, nil)
			before := *r.URL
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			require.Equal(t, tc.status, w.Code, w.Body.String())
			require.Equal(t, before, *r.URL, "the caller's request is unchanged")
			require.NoError(t, s.FlushLog(ctx))
			es, err := st.RequestLog().Query(ctx, store.LogQuery{Project: tc.project, Limit: 1})
			require.NoError(t, err)
			require.Len(t, es, 1)
			assert.Equal(t, tc.path, es[0].Path)
			assert.Equal(t, tc.operation, es[0].Operation)
		})
	}
}
