package mock_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

const overrideSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
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
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer, minimum: 0}}
      responses:
        "200":
          description: a pet
          headers:
            X-Source: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404":
          description: no such pet
          content:
            application/problem+json:
              schema: {type: object, properties: {title: {type: string}}}
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Pet:
      type: object
      required: [id, name]
      additionalProperties: false
      properties:
        id: {type: integer}
        name: {type: string}
`

func overrideHandler(t *testing.T, opts ...mock.Option) http.Handler {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(overrideSpec))
	require.NoError(t, err)
	h, err := mock.New(doc, append([]mock.Option{mock.WithSeed(1)}, opts...)...)
	require.NoError(t, err)
	return h
}

func call(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestWithOperation(t *testing.T) {
	t.Parallel()
	// 404 when the id is 0; otherwise the spec's answer with a header added.
	getPet := func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		m, ok := openapi.MatchFrom(r.Context())
		if !ok || m.Operation.ID != "getPet" {
			http.Error(w, "no match in the context", http.StatusTeapot)
			return
		}
		if m.Params()["petId"] == "0" {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"title":"no pet 0"}`)
			return
		}
		w.Header().Set("X-Source", "override")
		next.ServeHTTP(w, r)
	}
	// Echo the posted name, after reading the body itself.
	createPet := func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		var in struct{ Name string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusTeapot)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r) // the spec's answer, from the validated body
		var pet map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &pet); err != nil {
			http.Error(w, err.Error(), http.StatusTeapot)
			return
		}
		pet["name"] = strings.ToUpper(in.Name)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(pet)
	}
	plain := overrideHandler(t)
	h := overrideHandler(t, mock.WithOperation("getPet", getPet), mock.WithOperation("POST /pets", createPet))

	t.Run("answers itself", func(t *testing.T) {
		rec := call(h, "GET", "/pets/0", "")
		assert.Equal(t, http.StatusNotFound, rec.Code)
		assert.JSONEq(t, `{"title":"no pet 0"}`, rec.Body.String())
	})
	t.Run("calls the spec's answer", func(t *testing.T) {
		rec, want := call(h, "GET", "/pets/7", ""), call(plain, "GET", "/pets/7", "")
		assert.Equal(t, want.Code, rec.Code)
		assert.Equal(t, want.Body.String(), rec.Body.String(), "next answers as the handler would")
		assert.Equal(t, "override", rec.Header().Get("X-Source"))
	})
	t.Run("changes the spec's answer", func(t *testing.T) {
		rec := call(h, "POST", "/pets", `{"name":"rex"}`)
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		var pet map[string]any
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pet))
		assert.Equal(t, "REX", pet["name"])
		// next stored the record from the body the override had read.
		got := call(h, "GET", "/pets/"+jsonNumber(pet["id"]), "")
		assert.Equal(t, http.StatusOK, got.Code, got.Body.String())
		assert.Contains(t, got.Body.String(), `"name":"rex"`)
	})
	t.Run("only valid requests reach it", func(t *testing.T) {
		var calls atomic.Int32
		counted := overrideHandler(t, mock.WithOperation("getPet", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
			calls.Add(1)
			next.ServeHTTP(w, r)
		}))
		for _, target := range []string{"/pets/abc", "/pets/-1"} {
			rec := call(counted, "GET", target, "")
			assert.Equal(t, http.StatusBadRequest, rec.Code, target)
		}
		assert.Zero(t, calls.Load(), "invalid requests are refused before the override")
		assert.Equal(t, http.StatusOK, call(counted, "GET", "/pets/3", "").Code)
		assert.EqualValues(t, 1, calls.Load())
	})
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// With WithSelfCheck, an override's answer is held to the spec.
func TestWithOperationSelfCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   int
	}{
		{"valid", 200, "application/json", `{"id":1,"name":"a"}`, 200},
		{"undeclared status", 418, "application/json", `{"id":1,"name":"a"}`, 500},
		{"undeclared field", 200, "application/json", `{"id":1,"name":"a","extra":true}`, 500},
		{"wrong type", 200, "application/json", `{"id":"one","name":"a"}`, 500},
		{"undeclared media type", 200, "text/plain", `hi`, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := overrideHandler(t, mock.WithSelfCheck(), mock.WithOperation("getPet", func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			rec := call(h, "GET", "/pets/1", "")
			assert.Equal(t, tc.want, rec.Code, rec.Body.String())
			if tc.want == 500 {
				assert.Contains(t, rec.Body.String(), "RESPONSE_VIOLATES_SPEC")
			} else {
				assert.JSONEq(t, tc.body, rec.Body.String())
			}
		})
	}
}

func TestWithOperationErrors(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(overrideSpec))
	require.NoError(t, err)
	nop := func(w http.ResponseWriter, r *http.Request, next http.Handler) { next.ServeHTTP(w, r) }
	tests := []struct {
		name string
		opts []mock.Option
		want string // "" : New succeeds
	}{
		{"unknown operation", []mock.Option{mock.WithOperation("deletePet", nop)}, `no such operation`},
		{"same operation twice", []mock.Option{mock.WithOperation("getPet", nop), mock.WithOperation("GET /pets/{petId}", nop)}, `name the same operation getPet`},
		{"nil removes", []mock.Option{mock.WithOperation("getPet", nop), mock.WithOperation("getPet", nil), mock.WithOperation("GET /pets/{petId}", nop)}, ""},
		{"method is case-insensitive", []mock.Option{mock.WithOperation("post /pets", nop)}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mock.New(doc, tc.opts...)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
