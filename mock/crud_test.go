package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
	"github.com/mockapi-go/mockapi/store/storetest"
)

const crudSpec = `
openapi: 3.0.3
info: {title: Shop, version: "1"}
servers: [{url: /api}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: status, in: query, schema: {type: string, enum: [available, pending, sold]}}
        - {name: limit, in: query, schema: {type: integer, minimum: 0}}
      responses:
        "200":
          description: pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "409":
          description: duplicate
          content:
            application/problem+json:
              schema: {type: object}
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: integer}}
    get:
      operationId: getPet
      responses:
        "200":
          description: a pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              example: {id: 1, name: Rex, status: available, age: 3, createdAt: "2024-01-02T03:04:05Z"}
        "404":
          description: not found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    put:
      operationId: replacePet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "200":
          description: replaced
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404": {description: not found}
    patch:
      operationId: patchPet
      requestBody:
        required: true
        content:
          application/merge-patch+json:
            schema: {type: object}
          application/json-patch+json:
            schema: {type: array, items: {type: object}}
      responses:
        "200":
          description: patched
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404": {description: not found}
        "409": {description: a test operation failed}
        "422": {description: bad patch}
    delete:
      operationId: deletePet
      responses:
        "204": {description: deleted}
        "404": {description: not found}
  /users/{userId}/posts:
    parameters:
      - {name: userId, in: path, required: true, schema: {type: string}}
    get:
      operationId: listPosts
      responses:
        "200":
          description: posts
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Post"}}
    post:
      operationId: createPost
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Post"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Post"}
  /users/{userId}/posts/{postId}:
    parameters:
      - {name: userId, in: path, required: true, schema: {type: string}}
      - {name: postId, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      operationId: getPost
      responses:
        "200":
          description: a post
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Post"}
        "404": {description: not found}
  /orders:
    get:
      operationId: listOrders
      parameters:
        - {name: page, in: query, schema: {type: integer, minimum: 1}}
        - {name: per_page, in: query, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: orders
          content:
            application/json:
              schema:
                type: object
                required: [data, total]
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/Order"}}
                  total: {type: integer}
                  page: {type: integer}
                  next: {type: string, nullable: true}
    post:
      operationId: createOrder
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Order"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {$ref: "#/components/schemas/Order"}
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - {name: orderId, in: path, required: true, schema: {type: string}}
      x-mock-crud: get
      responses:
        "200":
          description: an order
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
  /stats:
    get:
      operationId: stats
      x-mock-crud: false
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: object, properties: {n: {type: integer}}}}}}}
    post:
      operationId: postStats
      responses:
        "204": {description: ok}
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        id: {type: integer}
        name: {type: string, minLength: 1}
        status: {type: string, enum: [available, pending, sold]}
        age: {type: integer, minimum: 0, maximum: 30}
    Pet:
      allOf:
        - $ref: "#/components/schemas/NewPet"
        - type: object
          required: [id, status, createdAt]
          properties:
            createdAt: {type: string, format: date-time, readOnly: true}
    Post:
      type: object
      required: [id, title]
      properties:
        id: {type: string, format: uuid, readOnly: true}
        userId: {type: string}
        title: {type: string}
    Order:
      type: object
      required: [id, total]
      properties:
        id: {type: string, x-mock-id: true, readOnly: true}
        total: {type: number, minimum: 0}
        note: {type: string}
    Error:
      type: object
      required: [message]
      properties:
        message: {type: string}
`

// crudStores are the backends every stateful test runs on: memory, SQLite,
// and PostgreSQL when MOCKAPI_TEST_POSTGRES names a server.
func crudStores(t *testing.T) map[string]func(t *testing.T) *store.Records {
	stores := map[string]func(t *testing.T) *store.Records{
		"memory": func(t *testing.T) *store.Records { return memory.New(store.WithTouchInterval(0)).Records() },
		"sqlite": func(t *testing.T) *store.Records {
			s, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "mock.db"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s.Records()
		},
	}
	if dsn := os.Getenv("MOCKAPI_TEST_POSTGRES"); dsn != "" {
		stores["postgres"] = func(t *testing.T) *store.Records { return postgresRecords(t, dsn) }
	} else {
		t.Log("MOCKAPI_TEST_POSTGRES is not set: the PostgreSQL runs are skipped")
	}
	return stores
}

func postgresRecords(t *testing.T, dsn string) *store.Records {
	s, err := postgres.Open(context.Background(), storetest.PostgresSchema(t, dsn))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s.Records()
}

func newCRUD(t testing.TB, opts ...Option) *Handler {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(crudSpec))
	require.NoError(t, err)
	h, err := New(doc, append([]Option{WithSeed(1), WithSeedRecords(3)}, opts...)...)
	require.NoError(t, err)
	return h
}

// call sends a request and checks that the answer keeps the description's
// promises for the operation it hit.
func call(t *testing.T, h *Handler, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if m, err := h.Document().Match(httptest.NewRequest(method, target, nil)); err == nil {
		for _, v := range h.CheckResponse(m.Operation, w.Code, w.Header().Get("Content-Type"), w.Body.Bytes()) {
			t.Errorf("%s %s -> %d breaks the description: %s", method, target, w.Code, v)
		}
	}
	return w
}

func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &v), w.Body.String())
	return v
}

func TestCRUDInference(t *testing.T) {
	h := newCRUD(t)
	got := map[string]Action{}
	for _, op := range h.Document().Operations() {
		got[op.ID] = h.Action(op.ID)
	}
	assert.Equal(t, map[string]Action{
		"listPets": ActionList, "createPet": ActionCreate, "getPet": ActionGet, "replacePet": ActionReplace, "patchPet": ActionPatch, "deletePet": ActionDelete,
		"listPosts": ActionList, "createPost": ActionCreate, "getPost": ActionGet,
		"listOrders": ActionList, "createOrder": ActionCreate, "getOrder": ActionGet,
		"stats": "", "postStats": "",
	}, got)
	byColl := map[string]Resource{}
	for _, r := range h.Resources() {
		byColl[r.Collection] = r
	}
	assert.Equal(t, "id", byColl["/pets"].IDField)
	assert.Equal(t, "/pets/{petId}", byColl["/pets"].Item)
	assert.Equal(t, "/users/{userId}/posts/{postId}", byColl["/users/{userId}/posts"].Item)
	assert.Equal(t, "id", byColl["/orders"].IDField)

	stateless := newCRUD(t, WithoutState())
	assert.Empty(t, stateless.Resources())
	assert.Empty(t, stateless.Action("getPet"))
}

func TestCRUDLifecycle(t *testing.T) {
	for name, open := range crudStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newCRUD(t, WithStore(open(t), "shop"))

			// Seed data starts with the description's example.
			w := call(t, h, "GET", "/api/pets/1", "")
			require.Equal(t, 200, w.Code, w.Body.String())
			assert.Equal(t, "Rex", decode[map[string]any](t, w)["name"])
			w = call(t, h, "GET", "/api/pets", "")
			require.Equal(t, 200, w.Code)
			assert.Len(t, decode[[]any](t, w), 3)
			assert.Equal(t, "3", w.Header().Get("X-Total-Count"))

			// Create: the server assigns the next id and fills read-only fields.
			w = call(t, h, "POST", "/api/pets", `{"name":"Bella","status":"sold","age":4}`)
			require.Equal(t, 201, w.Code, w.Body.String())
			created := decode[map[string]any](t, w)
			assert.Equal(t, float64(4), created["id"])
			assert.Equal(t, "Bella", created["name"])
			assert.NotEmpty(t, created["createdAt"])
			assert.Equal(t, "/api/pets/4", w.Header().Get("Location"))

			w = call(t, h, "GET", "/api/pets/4", "")
			require.Equal(t, 200, w.Code)
			assert.Equal(t, created, decode[map[string]any](t, w))

			// A client-chosen id is kept; a duplicate is a declared 409.
			w = call(t, h, "POST", "/api/pets", `{"id":40,"name":"Max","status":"pending","age":1}`)
			require.Equal(t, 201, w.Code, w.Body.String())
			assert.Equal(t, float64(40), decode[map[string]any](t, w)["id"])
			w = call(t, h, "POST", "/api/pets", `{"id":40,"name":"Dup"}`)
			assert.Equal(t, 409, w.Code)

			// Lists filter, sort and page.
			w = call(t, h, "GET", "/api/pets?status=sold", "")
			for _, p := range decode[[]map[string]any](t, w) {
				assert.Equal(t, "sold", p["status"])
			}
			w = call(t, h, "GET", "/api/pets?_sort=age&_order=desc", "")
			pets := decode[[]map[string]any](t, w)
			require.Len(t, pets, 5)
			for i := 1; i < len(pets); i++ {
				assert.GreaterOrEqual(t, pets[i-1]["age"], pets[i]["age"])
			}
			w = call(t, h, "GET", "/api/pets?sort=-id&limit=2", "")
			pets = decode[[]map[string]any](t, w)
			require.Len(t, pets, 2)
			assert.Equal(t, []any{float64(40), float64(4)}, []any{pets[0]["id"], pets[1]["id"]})
			w = call(t, h, "GET", "/api/pets?_page=2&_limit=2", "")
			pets = decode[[]map[string]any](t, w)
			require.Len(t, pets, 2)
			assert.Equal(t, float64(3), pets[0]["id"])
			assert.Equal(t, "5", w.Header().Get("X-Total-Count"))
			link := w.Header().Get("Link")
			assert.Contains(t, link, `_page=3`)
			assert.Contains(t, link, `rel="next"`)
			assert.Contains(t, link, `rel="prev"`)
			w = call(t, h, "GET", "/api/pets?age_gte=4&name_like=ELL", "")
			pets = decode[[]map[string]any](t, w)
			require.Len(t, pets, 1)
			assert.Equal(t, "Bella", pets[0]["name"])
			w = call(t, h, "GET", "/api/pets?q=bell", "")
			assert.Len(t, decode[[]any](t, w), 1)

			// Merge patch, then JSON patch.
			w = call(t, h, "PATCH", "/api/pets/4", `{"age":5,"status":"pending"}`, "Content-Type", "application/merge-patch+json")
			require.Equal(t, 200, w.Code, w.Body.String())
			patched := decode[map[string]any](t, w)
			assert.Equal(t, float64(5), patched["age"])
			assert.Equal(t, "Bella", patched["name"])
			assert.Equal(t, created["createdAt"], patched["createdAt"])
			w = call(t, h, "PATCH", "/api/pets/4", `[{"op":"test","path":"/name","value":"Bella"},{"op":"replace","path":"/name","value":"Belle"}]`,
				"Content-Type", "application/json-patch+json")
			require.Equal(t, 200, w.Code, w.Body.String())
			assert.Equal(t, "Belle", decode[map[string]any](t, w)["name"])
			w = call(t, h, "PATCH", "/api/pets/4", `[{"op":"test","path":"/name","value":"Nope"}]`, "Content-Type", "application/json-patch+json")
			assert.Equal(t, 409, w.Code)

			// Replace keeps the id and read-only fields.
			w = call(t, h, "PUT", "/api/pets/4", `{"name":"Luna","status":"available"}`)
			require.Equal(t, 200, w.Code, w.Body.String())
			replaced := decode[map[string]any](t, w)
			assert.Equal(t, "Luna", replaced["name"])
			assert.Equal(t, float64(4), replaced["id"])
			assert.Equal(t, created["createdAt"], replaced["createdAt"])

			// Delete, then 404 with the declared error body.
			w = call(t, h, "DELETE", "/api/pets/4", "")
			assert.Equal(t, 204, w.Code)
			w = call(t, h, "GET", "/api/pets/4", "")
			assert.Equal(t, 404, w.Code)
			assert.Contains(t, decode[map[string]any](t, w), "message")
			assert.Equal(t, 404, call(t, h, "DELETE", "/api/pets/4", "").Code)
			assert.Equal(t, 404, call(t, h, "PUT", "/api/pets/4", `{"name":"x"}`).Code)
		})
	}
}

func TestCRUDNestedAndEnvelopes(t *testing.T) {
	h := newCRUD(t)
	w := call(t, h, "POST", "/api/users/ann/posts", `{"title":"Hello"}`)
	require.Equal(t, 201, w.Code, w.Body.String())
	post := decode[map[string]any](t, w)
	assert.Equal(t, "ann", post["userId"], "the parent id is filled in")
	id, _ := post["id"].(string)
	assert.Len(t, id, 36, "a uuid id")

	assert.Equal(t, 200, call(t, h, "GET", "/api/users/ann/posts/"+id, "").Code)
	assert.Equal(t, 404, call(t, h, "GET", "/api/users/bob/posts/"+id, "").Code, "scoped to the parent")
	ann := decode[[]map[string]any](t, call(t, h, "GET", "/api/users/ann/posts", ""))
	bob := decode[[]map[string]any](t, call(t, h, "GET", "/api/users/bob/posts", ""))
	// /users is no resource of this description, so no parent is known
	// and nothing is seeded: a read stores nothing for a made-up parent.
	assert.Len(t, ann, 1)
	assert.Empty(t, bob)

	// Envelope lists put the items in the array and count them.
	w = call(t, h, "POST", "/api/orders", `{"total":12.5,"note":"first"}`)
	require.Equal(t, 201, w.Code, w.Body.String())
	created := decode[map[string]map[string]any](t, w)["data"]
	require.NotNil(t, created, "the created order is in the envelope's data")
	assert.Equal(t, 12.5, created["total"])
	w = call(t, h, "GET", "/api/orders?page=2&per_page=3", "")
	require.Equal(t, 200, w.Code)
	env := decode[map[string]any](t, w)
	assert.Equal(t, float64(4), env["total"])
	assert.Equal(t, float64(2), env["page"])
	assert.Len(t, env["data"], 1)
	w = call(t, h, "GET", "/api/orders/"+url.PathEscape(created["id"].(string)), "")
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "first", decode[map[string]any](t, w)["note"])
	// The operation declares no 404: an unknown id gets the stateless answer.
	assert.Equal(t, 200, call(t, h, "GET", "/api/orders/unknown", "").Code)

	// x-mock-crud: false keeps an operation stateless.
	assert.Equal(t, 204, call(t, h, "POST", "/api/stats", "").Code)
}

func TestCRUDSessions(t *testing.T) {
	h := newCRUD(t, WithSessionCookie("mock_session"))
	a, b := []string{"X-Mock-Session", "a"}, []string{"X-Mock-Session", "b"}
	w := call(t, h, "POST", "/api/pets", `{"name":"OnlyA"}`, a...)
	require.Equal(t, 201, w.Code)
	assert.Equal(t, 200, call(t, h, "GET", "/api/pets/4", "", a...).Code)
	assert.Equal(t, 404, call(t, h, "GET", "/api/pets/4", "", b...).Code)
	require.Equal(t, 204, call(t, h, "DELETE", "/api/pets/1", "", b...).Code)
	assert.Equal(t, 404, call(t, h, "GET", "/api/pets/1", "", b...).Code)
	assert.Equal(t, 200, call(t, h, "GET", "/api/pets/1", "", a...).Code)

	// Base data is untouched; a visitor without a session gets a cookie.
	w = call(t, h, "GET", "/api/pets", "")
	assert.Len(t, decode[[]any](t, w), 3)
	cookies := w.Result().Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, "mock_session", cookies[0].Name)
	assert.True(t, cookies[0].HttpOnly)
	r := httptest.NewRequest("POST", "/api/pets", strings.NewReader(`{"name":"Cookie"}`))
	r.Header.Set("Content-Type", "application/json")
	r.AddCookie(cookies[0])
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	require.Equal(t, 201, rec.Code)
	assert.Len(t, decode[[]any](t, call(t, h, "GET", "/api/pets", "")), 3, "the cookie session's write stays private")

	// A session pinned in the context wins over the header.
	r = httptest.NewRequest("GET", "/api/pets/4", nil).WithContext(ContextWithSession(context.Background(), "a"))
	r.Header.Set("X-Mock-Session", "b")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	assert.Equal(t, 200, rec.Code)
}

func TestCRUDReset(t *testing.T) {
	h := newCRUD(t, WithResetPath("/__mock/reset"))
	require.Equal(t, 201, call(t, h, "POST", "/api/pets", `{"name":"Temp"}`).Code)
	require.Equal(t, 204, call(t, h, "DELETE", "/api/pets/1", "").Code)
	require.Equal(t, 201, call(t, h, "POST", "/api/pets", `{"name":"S"}`, "X-Mock-Session", "s").Code)

	r := httptest.NewRequest("POST", "/__mock/reset", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, 204, w.Code)
	assert.Len(t, decode[[]any](t, call(t, h, "GET", "/api/pets", "")), 3)
	assert.Equal(t, "Rex", decode[map[string]any](t, call(t, h, "GET", "/api/pets/1", ""))["name"])
	assert.Len(t, decode[[]any](t, call(t, h, "GET", "/api/pets", "", "X-Mock-Session", "s")), 3, "sessions are dropped")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/__mock/reset", nil))
	assert.Equal(t, 405, w.Code)

	off := newCRUD(t)
	w = httptest.NewRecorder()
	off.ServeHTTP(w, httptest.NewRequest("POST", "/__mock/reset", nil))
	assert.Equal(t, 404, w.Code, "the reset endpoint is off by default")
}

func TestCRUDPersistsAcrossHandlers(t *testing.T) {
	s, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "p.db"))
	require.NoError(t, err)
	defer s.Close()
	first := newCRUD(t, WithStore(s.Records(), "p"))
	require.Equal(t, 201, call(t, first, "POST", "/api/pets", `{"name":"Kept"}`).Code)
	second := newCRUD(t, WithStore(s.Records(), "p"))
	w := call(t, second, "GET", "/api/pets/4", "")
	require.Equal(t, 200, w.Code)
	assert.Equal(t, "Kept", decode[map[string]any](t, w)["name"])
	assert.Len(t, decode[[]any](t, call(t, second, "GET", "/api/pets", "")), 4, "seeded once, not once per handler")
}

func TestCRUDConcurrentCreates(t *testing.T) {
	for name, open := range crudStores(t) {
		t.Run(name, func(t *testing.T) {
			h := newCRUD(t, WithStore(open(t), "race"), WithSeedRecords(0))
			var wg sync.WaitGroup
			ids := make([]float64, 50)
			for i := range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := httptest.NewRequest("POST", "/api/pets", strings.NewReader(fmt.Sprintf(`{"name":"p%d"}`, i)))
					r.Header.Set("Content-Type", "application/json")
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if assert.Equal(t, 201, w.Code, w.Body.String()) {
						var p map[string]any
						_ = json.Unmarshal(w.Body.Bytes(), &p)
						ids[i], _ = p["id"].(float64)
					}
				}()
			}
			wg.Wait()
			seen := map[float64]bool{}
			for _, id := range ids {
				assert.False(t, seen[id], "id %v assigned twice", id)
				seen[id] = true
			}
			w := call(t, h, "GET", "/api/pets", "")
			assert.Equal(t, "50", w.Header().Get("X-Total-Count"))
		})
	}
}

func TestCRUDSeedsAreValidAndDeterministic(t *testing.T) {
	a := newCRUD(t, WithSeedRecords(10))
	b := newCRUD(t, WithSeedRecords(10))
	for _, path := range []string{"/api/pets", "/api/orders", "/api/users/x/posts"} {
		wa, wb := call(t, a, "GET", path, ""), call(t, b, "GET", path, "")
		require.Equal(t, 200, wa.Code)
		assert.Equal(t, wa.Body.String(), wb.Body.String(), "same seed, same data")
	}
	assert.Len(t, decode[[]any](t, call(t, a, "GET", "/api/pets", "")), 10)
	c := newCRUD(t, WithSeed(2), WithSeedRecords(10))
	assert.NotEqual(t, call(t, a, "GET", "/api/orders", "").Body.String(), call(t, c, "GET", "/api/orders", "").Body.String())
	empty := newCRUD(t, WithSeedRecords(0))
	assert.Empty(t, decode[[]any](t, call(t, empty, "GET", "/api/pets", "")))
}

func TestJSONPatch(t *testing.T) {
	doc := map[string]any{"a": map[string]any{"b": []any{1.0, 2.0}}, "c": "x"}
	tests := []struct {
		name, patch string
		want        string
		conflict    bool
		fails       bool
	}{
		{name: "add member", patch: `[{"op":"add","path":"/d","value":true}]`, want: `{"a":{"b":[1,2]},"c":"x","d":true}`},
		{name: "append", patch: `[{"op":"add","path":"/a/b/-","value":3}]`, want: `{"a":{"b":[1,2,3]},"c":"x"}`},
		{name: "insert", patch: `[{"op":"add","path":"/a/b/0","value":0}]`, want: `{"a":{"b":[0,1,2]},"c":"x"}`},
		{name: "remove", patch: `[{"op":"remove","path":"/a/b/1"}]`, want: `{"a":{"b":[1]},"c":"x"}`},
		{name: "replace", patch: `[{"op":"replace","path":"/c","value":"y"}]`, want: `{"a":{"b":[1,2]},"c":"y"}`},
		{name: "move", patch: `[{"op":"move","from":"/c","path":"/a/c"}]`, want: `{"a":{"b":[1,2],"c":"x"}}`},
		{name: "copy", patch: `[{"op":"copy","from":"/a/b","path":"/e"}]`, want: `{"a":{"b":[1,2]},"c":"x","e":[1,2]}`},
		{name: "escaped", patch: `[{"op":"add","path":"/x~1y~0","value":1}]`, want: `{"a":{"b":[1,2]},"c":"x","x/y~":1}`},
		{name: "test passes", patch: `[{"op":"test","path":"/a/b","value":[1,2]}]`, want: `{"a":{"b":[1,2]},"c":"x"}`},
		{name: "test fails", patch: `[{"op":"test","path":"/c","value":"z"}]`, fails: true, conflict: true},
		{name: "missing member", patch: `[{"op":"remove","path":"/zz"}]`, fails: true},
		{name: "index out of range", patch: `[{"op":"add","path":"/a/b/5","value":1}]`, fails: true},
		{name: "leading zero", patch: `[{"op":"remove","path":"/a/b/01"}]`, fails: true},
		{name: "into own child", patch: `[{"op":"move","from":"/a","path":"/a/z"}]`, fails: true},
		{name: "unknown op", patch: `[{"op":"frob","path":"/c"}]`, fails: true},
		{name: "not an array", patch: `{"op":"add"}`, fails: true},
		{name: "no value", patch: `[{"op":"add","path":"/c"}]`, fails: true},
		{name: "copies that double the document", patch: doublings(30), fails: true},
		{name: "too many operations", patch: "[" + strings.Repeat(`{"op":"test","path":"/c","value":"x"},`, maxPatchOps) + `{"op":"test","path":"/c","value":"x"}]`, fails: true},
		{name: "many operations", patch: "[" + strings.Repeat(`{"op":"test","path":"/c","value":"x"},`, maxPatchOps-1) + `{"op":"test","path":"/c","value":"x"}]`, want: `{"a":{"b":[1,2]},"c":"x"}`},
		{name: "copying a large value back and forth", patch: churn(400), fails: true},
		{name: "a little churn", patch: churn(5), want: `{"a":{"b":[1,2]},"c":"x","big":"` + strings.Repeat("x", 200_000) + `"}`},
		{name: "big value", patch: `[{"op":"add","path":"/big","value":"` + strings.Repeat("x", maxPatchedBytes) + `"}]`, fails: true},
		{name: "replace within bounds", patch: "[" + strings.Repeat(`{"op":"replace","path":"/c","value":"`+strings.Repeat("y", 2000)+`"},`, 999) + `{"op":"replace","path":"/c","value":"x"}]`, want: `{"a":{"b":[1,2]},"c":"x"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := applyJSONPatch(doc, []byte(tc.patch), maxPatchedBytes)
			if tc.fails {
				require.Error(t, err)
				var pe *patchError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tc.conflict, pe.conflict)
				return
			}
			require.NoError(t, err)
			b, _ := json.Marshal(got)
			assert.JSONEq(t, tc.want, string(b))
		})
	}
	b, _ := json.Marshal(doc)
	assert.JSONEq(t, `{"a":{"b":[1,2]},"c":"x"}`, string(b), "the input is not changed")
}

// churn is a JSON Patch that adds a 200 kB value, then n times copies it
// and removes the copy: the document stays small, the work does not.
func churn(n int) string {
	ops := []string{`{"op":"add","path":"/big","value":"` + strings.Repeat("x", 200_000) + `"}`}
	for range n {
		ops = append(ops, `{"op":"copy","from":"/big","path":"/c2"}`, `{"op":"remove","path":"/c2"}`)
	}
	return "[" + strings.Join(ops, ",") + "]"
}

// doublings is a JSON Patch of n operations that each copy the whole
// document into itself, doubling it.
func doublings(n int) string {
	ops := make([]string, n)
	for i := range ops {
		ops[i] = fmt.Sprintf(`{"op":"copy","from":"","path":"/k%d"}`, i)
	}
	return "[" + strings.Join(ops, ",") + "]"
}

func TestCRUDPatchIsBounded(t *testing.T) {
	h := newCRUD(t)
	jp := []string{"Content-Type", "application/json-patch+json"}
	before := call(t, h, "GET", "/api/pets/1", "").Body.String()
	tests := []struct {
		name, body string
		headers    []string
		want       int
	}{
		{"twenty doublings", doublings(20), jp, http.StatusUnprocessableEntity},
		{"too many operations", "[" + strings.Repeat(`{"op":"test","path":"/name","value":"Rex"},`, maxPatchOps) + `{"op":"test","path":"/name","value":"Rex"}]`, jp, http.StatusUnprocessableEntity},
		{"a few doublings fit", doublings(3), jp, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := call(t, h, "PATCH", "/api/pets/1", tc.body, tc.headers...)
			require.Equal(t, tc.want, w.Code, w.Body.String())
			assert.Less(t, w.Body.Len(), maxPatchedBytes)
			if tc.want != http.StatusOK {
				assert.JSONEq(t, before, call(t, h, "GET", "/api/pets/1", "").Body.String(), "a refused patch writes nothing")
			}
		})
	}
}

func TestCRUDConcurrentJSONPatches(t *testing.T) {
	for name, open := range crudStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc, err := openapi.Parse(context.Background(), []byte(strings.Replace(crudSpec,
				"        age: {type: integer, minimum: 0, maximum: 30}\n",
				"        age: {type: integer, minimum: 0, maximum: 30}\n        tags: {type: object, additionalProperties: {type: integer}}\n", 1)))
			require.NoError(t, err)
			h, err := New(doc, WithSeed(1), WithSeedRecords(1), WithStore(open(t), "jp"))
			require.NoError(t, err)
			require.Equal(t, 200, call(t, h, "PATCH", "/api/pets/1", `{"tags":{}}`, "Content-Type", "application/merge-patch+json").Code)
			const workers = 16
			var wg sync.WaitGroup
			for i := range workers {
				wg.Go(func() {
					// Each adds its own member: with get-then-replace,
					// concurrent patches overwrote each other's members.
					body := fmt.Sprintf(`[{"op":"add","path":"/tags/t%d","value":%d}]`, i, i)
					r := httptest.NewRequest("PATCH", "/api/pets/1", strings.NewReader(body))
					r.Header.Set("Content-Type", "application/json-patch+json")
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					assert.Equal(t, 200, w.Code, w.Body.String())
				})
			}
			wg.Wait()
			pet := decode[map[string]any](t, call(t, h, "GET", "/api/pets/1", ""))
			assert.Len(t, pet["tags"], workers, "every concurrent JSON Patch survives")
		})
	}
}

func TestCRUDHostileInput(t *testing.T) {
	h := newCRUD(t)
	tests := []struct {
		name, method, target, body string
		want                       int
	}{
		{"negative page", "GET", "/api/pets?_page=-1", "", 400},
		{"huge limit is capped", "GET", "/api/pets?_limit=99999999", "", 200},
		{"odd filter field", "GET", "/api/pets?name%27%20OR%201=1=x", "", 200},
		{"sort by unknown field", "GET", "/api/pets?_sort=nope", "", 200},
		{"not json", "POST", "/api/pets", "{", 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tc.want, w.Code, w.Body.String())
		})
	}
	long := strings.Repeat("s", 10000)
	w := call(t, h, "GET", "/api/pets", "", "X-Mock-Session", long)
	assert.Equal(t, http.StatusOK, w.Code)
}

// idSpec has one collection per kind of id.
const idSpec = `
openapi: 3.0.3
info: {title: Ids, version: "1"}
paths:
  /ints: {get: {operationId: listInts, responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Int"}}}}}}}}
  /ints/{id}:
    get:
      operationId: getInt
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Int"}}}}
        "404": {description: not found}
  /uuids: {get: {operationId: listUUIDs, responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/UUID"}}}}}}}}
  /uuids/{id}:
    get:
      operationId: getUUID
      parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/UUID"}}}}
        "404": {description: not found}
  /strs: {get: {operationId: listStrs, responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Str"}}}}}}}}
  /strs/{id}:
    get:
      operationId: getStr
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Str"}}}}
        "404": {description: not found}
  /codes: {get: {operationId: listCodes, responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Code"}}}}}}}}
  /codes/{id}:
    get:
      operationId: getCode
      parameters: [{name: id, in: path, required: true, schema: {type: string, pattern: "^[A-Z]{3}-[0-9]{4}$"}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Code"}}}}
        "404": {description: not found}
components:
  schemas:
    Int: {type: object, required: [id, name], properties: {id: {type: integer}, name: {type: string}}}
    UUID: {type: object, required: [id, name], properties: {id: {type: string, format: uuid}, name: {type: string}}}
    Str: {type: object, required: [id, name], properties: {id: {type: string}, name: {type: string}}}
    Code: {type: object, required: [id, name], properties: {id: {type: string, pattern: "^[A-Z]{3}-[0-9]{4}$"}, name: {type: string}}}
`

func TestCRUDSeedsAreReachableByListedID(t *testing.T) {
	doc, err := openapi.Parse(context.Background(), []byte(idSpec))
	require.NoError(t, err)
	for name, open := range crudStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h, err := New(doc, WithSeed(7), WithSeedRecords(5), WithStore(open(t), "ids"))
			require.NoError(t, err)
			for _, coll := range []string{"/ints", "/uuids", "/strs", "/codes"} {
				t.Run(coll, func(t *testing.T) {
					listed := decode[[]map[string]any](t, call(t, h, "GET", coll, ""))
					require.Len(t, listed, 5)
					for _, rec := range listed {
						id := fmt.Sprint(rec["id"])
						if f, ok := rec["id"].(float64); ok {
							id = fmt.Sprint(int64(f))
						}
						w := call(t, h, "GET", coll+"/"+url.PathEscape(id), "")
						require.Equal(t, 200, w.Code, "GET %s/%s: %s", coll, id, w.Body.String())
						assert.Equal(t, rec, decode[map[string]any](t, w))
					}
				})
			}
		})
	}
}

func TestMountPrefix(t *testing.T) {
	tests := []struct {
		name, requestURI, path, want string
	}{
		{"no request uri", "", "/pets", ""},
		{"not mounted", "/pets?x=1", "/pets", ""},
		{"strip prefix", "/api/pets?x=1", "/pets", "/api"},
		{"prefix with slash", "/api/pets", "pets", "/api/"},
		{"escaped path", "/m/a%20b/pets", "/a b/pets", "/m"},
		{"absolute form", "http://example.com/m/pets", "/pets", "/m"},
		{"rewritten path", "/other", "/pets", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RequestURI = tc.requestURI
			r.URL.Path, r.URL.RawPath = tc.path, ""
			assert.Equal(t, tc.want, mountPrefix(r))
		})
	}
}

func TestCRUDURLsPointInsideTheMount(t *testing.T) {
	h := newCRUD(t)
	mux := http.NewServeMux()
	mux.Handle("/mock/", http.StripPrefix("/mock", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	send := func(method, path, body string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	read := func(resp *http.Response) map[string]any {
		t.Helper()
		var v map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&v))
		return v
	}

	tests := []struct {
		name, create, list string
		envelope           bool
		link               func(*http.Response, map[string]any) string
	}{
		{name: "Location and Link header", create: "/mock/api/pets", list: "/mock/api/pets?_page=1&_limit=2",
			link: func(resp *http.Response, _ map[string]any) string {
				for _, l := range strings.Split(resp.Header.Get("Link"), ", ") {
					if u, ok := strings.CutSuffix(l, `>; rel="next"`); ok {
						return strings.TrimPrefix(u, "<")
					}
				}
				return ""
			}},
		{name: "envelope next", create: "/mock/api/orders", list: "/mock/api/orders?page=1&per_page=2", envelope: true,
			link: func(_ *http.Response, env map[string]any) string { s, _ := env["next"].(string); return s }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := send("POST", tc.create, `{"name":"Mounted","total":3}`)
			require.Equal(t, http.StatusCreated, resp.StatusCode)
			loc := resp.Header.Get("Location")
			require.True(t, strings.HasPrefix(loc, tc.create+"/"), "Location %q is inside the mount", loc)
			got := send("GET", loc, "")
			assert.Equal(t, http.StatusOK, got.StatusCode, "following Location %q", loc)

			resp = send("GET", tc.list, "")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var env map[string]any
			if tc.envelope {
				env = read(resp)
			}
			next := tc.link(resp, env)
			require.True(t, strings.HasPrefix(next, "/mock/api/"), "next %q is inside the mount", next)
			resp = send("GET", next, "")
			assert.Equal(t, http.StatusOK, resp.StatusCode, "following next %q", next)
		})
	}

	// Without a mount, the same URLs are the request's own paths, and every
	// answer keeps the description's promises.
	w := call(t, h, "GET", "/api/orders?page=1&per_page=2", "")
	assert.Equal(t, "/api/orders?page=2&per_page=2", decode[map[string]any](t, w)["next"])
	w = call(t, h, "GET", "/api/orders?page=9&per_page=2", "")
	assert.Nil(t, decode[map[string]any](t, w)["next"], "no next page")
}

// nestedSpec has posts nested under users, with integer user ids.
const nestedSpec = `
openapi: 3.0.3
info: {title: Blog, version: "1"}
paths:
  /users:
    get:
      operationId: listUsers
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/User"}}}}}}
    post:
      operationId: createUser
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}}
  /users/{userId}:
    get:
      operationId: getUser
      parameters: [{name: userId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}
        "404": {description: not found}
  /users/{userId}/posts:
    parameters: [{name: userId, in: path, required: true, schema: {type: string}}]
    get:
      operationId: listPosts
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Post"}}}}}
        "404": {description: no such user}
    post:
      operationId: createPost
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Post"}}}}
      responses:
        "201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Post"}}}}
  /users/{userId}/posts/{postId}:
    parameters:
      - {name: userId, in: path, required: true, schema: {type: string}}
      - {name: postId, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      operationId: getPost
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Post"}}}}
        "404": {description: not found}
components:
  schemas:
    User: {type: object, required: [id, name], properties: {id: {type: integer, readOnly: true}, name: {type: string}}}
    Post: {type: object, required: [id, title], properties: {id: {type: string, format: uuid, readOnly: true}, userId: {type: integer}, title: {type: string}}}
`

// writeCounter counts the writes that reach a store.
type writeCounter struct {
	*store.Records
	writes atomic.Int64
}

func (c *writeCounter) Create(ctx context.Context, s store.Scope, coll, id string, data json.RawMessage) (*store.Record, error) {
	c.writes.Add(1)
	return c.Records.Create(ctx, s, coll, id, data)
}

func (c *writeCounter) Replace(ctx context.Context, s store.Scope, coll, id string, data json.RawMessage) (*store.Record, error) {
	c.writes.Add(1)
	return c.Records.Replace(ctx, s, coll, id, data)
}

func (c *writeCounter) Patch(ctx context.Context, s store.Scope, coll, id string, patch json.RawMessage) (*store.Record, error) {
	c.writes.Add(1)
	return c.Records.Patch(ctx, s, coll, id, patch)
}

func (c *writeCounter) Update(ctx context.Context, s store.Scope, coll, id string, change func(json.RawMessage) (json.RawMessage, error)) (*store.Record, error) {
	c.writes.Add(1)
	return c.Records.Update(ctx, s, coll, id, change)
}

func TestCRUDReadsNeverWrite(t *testing.T) {
	doc, err := openapi.Parse(context.Background(), []byte(nestedSpec))
	require.NoError(t, err)
	for name, open := range crudStores(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			records := &writeCounter{Records: open(t)}
			h, err := New(doc, WithSeed(3), WithSeedRecords(4), WithStore(records, "blog"))
			require.NoError(t, err)

			// Seeded users have seeded posts, reachable by their listed ids.
			users := decode[[]map[string]any](t, call(t, h, "GET", "/users", ""))
			require.Len(t, users, 4)
			for _, u := range users {
				uid := fmt.Sprint(int64(u["id"].(float64)))
				posts := decode[[]map[string]any](t, call(t, h, "GET", "/users/"+uid+"/posts", ""))
				require.Len(t, posts, 4, "user %s has seeded posts", uid)
				for _, p := range posts {
					assert.Equal(t, u["id"], p["userId"])
					w := call(t, h, "GET", "/users/"+uid+"/posts/"+p["id"].(string), "")
					require.Equal(t, 200, w.Code, w.Body.String())
					assert.Equal(t, p, decode[map[string]any](t, w))
				}
			}
			// "01" names user 1: one collection per parent, whatever the spelling.
			assert.Len(t, decode[[]any](t, call(t, h, "GET", "/users/01/posts", "")), 4)

			// Reads with made-up parents answer 404 and store nothing.
			seeded := records.writes.Load()
			tests := []struct {
				name, target string
				want         int
			}{
				{"unknown user", "/users/999/posts", 404},
				{"not an integer", "/users/abc/posts", 404},
				{"huge id", "/users/" + strings.Repeat("9", 100_000) + "/posts", 404},
				{"post under unknown user", "/users/999/posts/" + "00000000-0000-4000-8000-000000000000", 404},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					assert.Equal(t, tc.want, call(t, h, "GET", tc.target, "").Code)
				})
			}
			for i := range 200 {
				require.Equal(t, 404, call(t, h, "GET", fmt.Sprintf("/users/%d/posts", 1000+i), "").Code)
			}
			assert.Equal(t, seeded, records.writes.Load(), "reads wrote records")

			// Without a 404 to answer, a made-up parent gets the stateless
			// answer: still nothing stored.
			w := call(t, h, "POST", "/users/999/posts", `{"title":"x"}`)
			assert.Equal(t, 201, w.Code)
			assert.Equal(t, seeded, records.writes.Load(), "a post for a missing parent was stored")

			// A nested collection whose parent is no resource (crudSpec has
			// no /users) starts empty, and reads store nothing either.
			orphans := &writeCounter{Records: open(t)}
			o := newCRUD(t, WithStore(orphans, "orphans"))
			require.Equal(t, 200, call(t, o, "GET", "/api/users/first/posts", "").Code)
			before := orphans.writes.Load()
			for i := range 200 {
				w := call(t, o, "GET", fmt.Sprintf("/api/users/%d%s/posts", i, strings.Repeat("x", 5000)), "")
				require.Equal(t, 200, w.Code)
				require.Equal(t, "[]", strings.TrimSpace(w.Body.String()))
			}
			assert.Equal(t, before, orphans.writes.Load(), "reads of orphan collections wrote records")

			// A created user starts with no posts, and can get some.
			w = call(t, h, "POST", "/users", `{"name":"New"}`)
			require.Equal(t, 201, w.Code, w.Body.String())
			uid := fmt.Sprint(int64(decode[map[string]any](t, w)["id"].(float64)))
			assert.Empty(t, decode[[]any](t, call(t, h, "GET", "/users/"+uid+"/posts", "")))
			require.Equal(t, 201, call(t, h, "POST", "/users/"+uid+"/posts", `{"title":"First"}`).Code)
			assert.Len(t, decode[[]any](t, call(t, h, "GET", "/users/"+uid+"/posts", "")), 1)
		})
	}
}

func TestCRUDNextIDCacheIsBounded(t *testing.T) {
	h := newCRUD(t, WithSeedRecords(1))
	var pets *resource
	for _, res := range h.resourceList {
		if res.key == "/pets" {
			pets = res
		}
	}
	require.NotNil(t, pets)
	tests := []struct {
		name     string
		sessions int
	}{
		{"few sessions", 10},
		{"more sessions than the cache holds", maxSeqEntries + 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var first any
			for i := range tc.sessions {
				s := fmt.Sprintf("%s-%d", tc.name, i)
				w := call(t, h, "POST", "/api/pets", `{"name":"x"}`, "X-Mock-Session", s)
				require.Equal(t, 201, w.Code)
				id := decode[map[string]any](t, w)["id"]
				if i == 0 {
					first = id
				}
				require.Equal(t, first, id, "each session's first pet gets the same id (session %s)", s)
			}
			pets.seqMu.Lock()
			defer pets.seqMu.Unlock()
			assert.LessOrEqual(t, len(pets.seq), maxSeqEntries)
		})
	}
}

// POST stores what the client sent plus what the server assigns (the id,
// readOnly fields, timestamps, declared defaults); it never invents an
// optional field the client left out, so a create-then-read round trip
// shows what was sent (#15).
func TestCRUDCreateStoresWhatWasSent(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: sent, version: "1"}
paths:
  /notes:
    post:
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses: {"201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}}
  /notes/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}}
components:
  schemas:
    Note:
      type: object
      required: [id, text, createdAt]
      properties:
        id: {type: integer, readOnly: true}
        text: {type: string}
        color: {type: string, default: yellow}
        pinned: {type: boolean}
        tags: {type: array, items: {type: string}}
        author: {type: string}
        createdAt: {type: string, format: date-time, readOnly: true}
        revision: {type: integer, readOnly: true}
`))
	require.NoError(t, err)
	for seed := range int64(20) {
		h, err := New(doc, WithSeed(seed), WithSeedRecords(0))
		require.NoError(t, err)
		w := call(t, h, "POST", "/notes", `{"text":"buy milk","pinned":true}`)
		require.Equal(t, 201, w.Code, w.Body.String())
		var created map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &created))
		assert.Equal(t, "buy milk", created["text"])
		assert.Equal(t, true, created["pinned"])
		assert.Equal(t, "yellow", created["color"], "a declared default is applied")
		assert.NotNil(t, created["id"])
		assert.NotNil(t, created["createdAt"])
		for _, invented := range []string{"tags", "author"} {
			assert.NotContains(t, created, invented, "seed %d: an optional field the client left out was made up", seed)
		}
		r := call(t, h, "GET", w.Header().Get("Location"), "")
		require.Equal(t, 200, r.Code)
		assert.JSONEq(t, w.Body.String(), r.Body.String(), "the read shows what the create answered")
	}
}

// WithClock stamps creation times, so a stateful answer is reproducible.
func TestCRUDWithClock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		at   time.Time
	}{
		{"in the past", time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)},
		{"in another zone", time.Date(2030, 12, 31, 23, 0, 0, 0, time.FixedZone("east", 5*3600))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newCRUD(t, WithClock(func() time.Time { return tt.at }))
			w := call(t, h, "POST", "/api/pets", `{"name":"Bella","status":"sold","age":4}`)
			require.Equal(t, 201, w.Code, w.Body.String())
			assert.Equal(t, tt.at.UTC().Format(time.RFC3339), decode[map[string]any](t, w)["createdAt"])
		})
	}
}

// A list of strings is no collection of records: the list stays
// stateless and answers strings, even beside item operations that return
// objects; the items stay a resource of their own (#15).
func TestCRUDListOfStringsStaysStateless(t *testing.T) {
	const spec = `
openapi: 3.0.3
info: {title: names, version: "1"}
paths:
  /tags:
    get:
      operationId: listTags
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {tags: {type: array, items: {type: string}}}}
    post:
      operationId: createTag
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Tag'}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tag'}
  /tags/{id}:
    get:
      operationId: getTag
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tag'}
components:
  schemas:
    Tag:
      type: object
      properties: {id: {type: string}, name: {type: string}}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(3))
	require.NoError(t, err)
	assert.Empty(t, h.Action("listTags"))
	assert.Equal(t, ActionCreate, h.Action("createTag"))
	assert.Equal(t, ActionGet, h.Action("getTag"))

	rec := do(h, "POST", "/tags", `{"name":"blue"}`, "Content-Type", "application/json")
	require.Equal(t, 201, rec.Code, rec.Body.String())
	rec = do(h, "GET", "/tags", "")
	require.Equal(t, 200, rec.Code, rec.Body.String())
	var list struct {
		Tags []any `json:"tags"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	for _, tag := range list.Tags {
		assert.IsType(t, "", tag)
	}
}

// A collection nested under a root parameter (/{id}/events, beside a list at
// "/") has no parent collection: the root is none, so nothing is looked up
// under an empty collection name and the nested one works on its own.
func TestCRUDNestedUnderRootParameter(t *testing.T) {
	t.Parallel()
	const spec = `
openapi: 3.0.3
info: {title: stories, version: "1"}
paths:
  /:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Story'}}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Story'}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Story'}}}}}
  /{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Story'}}}}}
  /{id}/events:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Event'}}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Event'}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Event'}}}}}
components:
  schemas:
    Story: {type: object, properties: {id: {type: string}, title: {type: string}}}
    Event: {type: object, properties: {id: {type: string}, kind: {type: string}}}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(3))
	require.NoError(t, err)
	tests := []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/", "", 200},
		{"GET", "/s1/events", "", 200},
		{"POST", "/s1/events", `{"kind":"open"}`, 201},
		{"GET", "/s1/events", "", 200},
	}
	for _, tt := range tests {
		rec := do(h, tt.method, tt.path, tt.body, "Content-Type", "application/json")
		assert.Equal(t, tt.want, rec.Code, "%s %s: %s", tt.method, tt.path, rec.Body)
	}
	rec := do(h, "GET", "/s1/events", "")
	var events []map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &events))
	var kinds []any
	for _, e := range events {
		kinds = append(kinds, e["kind"])
	}
	assert.Contains(t, kinds, "open", "the event created is listed: %s", rec.Body)
}

// A listing whose schema says minItems is never sent with fewer items:
// where the collection holds fewer records (an empty nested collection),
// the answer is generated, as a stateless one is, and validates (zalando,
// #15). With enough records it lists them.
func TestCRUDListKeepsMinItems(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: units, version: "1"}
paths:
  /articles/{articleId}/units:
    parameters: [{name: articleId, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Units'}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Unit'}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Unit'}}}}}
  /articles/{articleId}/units/{unitId}:
    parameters:
      - {name: articleId, in: path, required: true, schema: {type: string}}
      - {name: unitId, in: path, required: true, schema: {type: string}}
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Unit'}}}}}
components:
  schemas:
    Units: {type: array, minItems: 2, items: {$ref: '#/components/schemas/Unit'}}
    Unit: {type: object, required: [id, size], properties: {id: {type: string, readOnly: true}, size: {type: string}}}
`))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(5))
	require.NoError(t, err)
	require.Equal(t, ActionList, h.Action("getArticlesByArticleIdUnits"))
	list := func() []map[string]any {
		rec := do(h, "GET", "/articles/a1/units", "")
		require.Equal(t, 200, rec.Code, rec.Body.String())
		m, err := doc.Match(httptest.NewRequest("GET", "/articles/a1/units", nil))
		require.NoError(t, err)
		validateResponse(t, doc, m.Operation, httptest.NewRequest("GET", "/articles/a1/units", nil), rec)
		var units []map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &units))
		return units
	}
	assert.GreaterOrEqual(t, len(list()), 2, "empty collection")
	for _, size := range []string{"S", "M"} {
		rec := do(h, "POST", "/articles/a1/units", `{"size":"`+size+`"}`, "Content-Type", "application/json")
		require.Equal(t, 201, rec.Code, rec.Body.String())
	}
	var sizes []any
	for _, u := range list() {
		sizes = append(sizes, u["size"])
	}
	assert.ElementsMatch(t, []any{"S", "M"}, sizes, "the stored records")
}
