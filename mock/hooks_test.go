package mock

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// Check rejects exactly what ServeHTTP rejects, with the same status, and
// leaves the request servable.
func TestCheckAgreesWithServeHTTP(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	tests := []struct {
		name, method, target, body string
		headers                    []string
		status                     int // 0: not rejected
		in                         problem.Location
		param                      string
	}{
		{name: "valid", method: "GET", target: "/v1/pets?limit=3", status: 0},
		{name: "control params stripped", method: "GET", target: "/v1/pets?__code=200&limit=2", status: 0},
		{name: "unknown path", method: "GET", target: "/v1/nothing", status: 404, in: "route"},
		{name: "wrong method", method: "PUT", target: "/v1/pets", status: 405, in: "route"},
		{name: "bad query", method: "GET", target: "/v1/pets?limit=0", status: 400, in: "query", param: "limit"},
		{name: "bad path", method: "GET", target: "/v1/pets/abc?api_key=k", status: 400, in: "path", param: "petId"},
		{name: "no credentials", method: "POST", target: "/v1/pets", body: `{"id":1,"name":"x"}`,
			headers: []string{"Content-Type", "application/json"}, status: 401, in: "header"},
		{name: "bad body", method: "POST", target: "/v1/pets", body: `{"id":"x","name":"x"}`,
			headers: []string{"Content-Type", "application/json", "X-API-Key", "k"}, status: 422, in: "body"},
		{name: "valid body", method: "POST", target: "/v1/pets", body: `{"id":1,"name":"x"}`,
			headers: []string{"Content-Type", "application/json", "X-API-Key", "k"}, status: 0},
		{name: "preflight", method: "OPTIONS", target: "/v1/pets",
			headers: []string{"Origin", "https://a.example", "Access-Control-Request-Method", "POST"}, status: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			for i := 0; i+1 < len(tt.headers); i += 2 {
				r.Header.Set(tt.headers[i], tt.headers[i+1])
			}
			rej := h.Check(r)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r) // the body must still be there
			if tt.status == 0 {
				require.Nil(t, rej)
				assert.Less(t, w.Code, 300, w.Body.String())
				return
			}
			require.NotNil(t, rej)
			assert.Equal(t, tt.status, rej.Status)
			assert.Equal(t, tt.status, w.Code, "ServeHTTP answers what Check predicts")
			require.NotEmpty(t, rej.Violations)
			assert.Equal(t, tt.in, rej.Violations[0].In, rej.Error())
			if tt.param != "" {
				assert.Equal(t, tt.param, rej.Violations[0].Name)
			}
		})
	}
}

func TestCheckResponse(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	list, get, del := h.doc.Operation("listPets"), h.doc.Operation("getPet"), h.doc.Operation("deletePet")
	tests := []struct {
		name     string
		status   int
		ct, body string
		in       problem.Location
		pointer  string
		contains string
	}{
		{name: "valid", status: 200, ct: "application/json", body: `[{"id":1,"name":"Rex"}]`},
		{name: "default covers 500", status: 500, ct: "application/json", body: `{"code":1}`},
		{name: "empty body", status: 404},
		{name: "wrong type", status: 200, ct: "application/json", body: `[{"id":"x","name":"Rex"}]`,
			in: "body", pointer: "/0/id", contains: "paths./pets.get.responses.200.content.application/json.schema"},
		{name: "missing required", status: 404, ct: "application/problem+json", body: `{}`, in: "body", pointer: "/title", contains: "title"},
		{name: "undeclared media", status: 200, ct: "text/html", body: `<p>`, in: "header", contains: "text/html"},
		{name: "not json", status: 200, ct: "application/json", body: `{`, in: "body", contains: "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vs := h.CheckResponse(list, tt.status, tt.ct, []byte(tt.body))
			if tt.in == "" {
				assert.Empty(t, vs)
				return
			}
			require.NotEmpty(t, vs)
			assert.Equal(t, tt.in, vs[0].In)
			assert.Equal(t, tt.pointer, vs[0].Pointer)
			assert.Contains(t, vs[0].String(), tt.contains)
		})
	}
	t.Run("undeclared status", func(t *testing.T) {
		vs := h.CheckResponse(get, 404, "", nil)
		require.Len(t, vs, 1)
		assert.Equal(t, problem.InStatus, vs[0].In)
		assert.Contains(t, vs[0].Message, "it declares 200")
	})
	t.Run("body where none is declared", func(t *testing.T) {
		vs := h.CheckResponse(del, http.StatusNoContent, "application/json", []byte(`{}`))
		require.Len(t, vs, 1)
		assert.Contains(t, vs[0].Message, "declares no content")
	})
}

func TestExample(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	list := h.doc.Operation("listPets")
	other := newHandler(t).doc.Operation("listPets")
	tests := []struct {
		name     string
		op       *openapi.Operation
		status   int
		example  string
		body, ct string // when found
		errHas   string // when not
	}{
		{name: "named", op: list, status: 200, example: "two", body: `[{"id":1,"name":"Rex"},{"id":2,"name":"Tom"}]`, ct: "application/json"},
		{name: "invalid is returned as written", op: list, status: 200, example: "bad", body: `[{"id":"one"}]`, ct: "application/json"},
		{name: "unknown name lists the others", op: list, status: 200, example: "three", errHas: `no example "three"; it has bad, two`},
		{name: "no named examples", op: list, status: 404, example: "two", errHas: "no named examples"},
		{name: "status out of range", op: list, status: 700, example: "two", errHas: "does not declare status 700"},
		{name: "another handler's operation", op: other, status: 200, example: "two", errHas: "not one of this handler's document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body, ct, err := h.Example(tt.op, tt.status, tt.example)
			if tt.errHas != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.errHas)
				assert.Nil(t, body)
				return
			}
			require.NoError(t, err)
			assert.JSONEq(t, tt.body, string(body))
			assert.Equal(t, tt.ct, ct)
			if tt.example == "two" {
				rec := do(h, "GET", "/v1/pets", "", "Prefer", "example="+tt.example)
				assert.Equal(t, rec.Body.String(), string(body), "what ServeHTTP serves for Prefer: example=")
			}
		})
	}
}
