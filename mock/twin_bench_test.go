package mock

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mockapi-go/mockapi/openapi"
)

// twinSpec is one API in OpenAPI 3.1 form; twinDoc gives it as 3.0.3 too.
// The item schema is an allOf over a component, ids are uuids and the list
// answers an envelope, as in issue #22's profile.
const twinSpec = `openapi: 3.1.0
info: {title: twins, version: "1"}
paths:
  /items:
    get:
      parameters:
        - {name: _limit, in: query, schema: {type: integer, minimum: 0, maximum: 100}}
        - {name: _page, in: query, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: a page
          content:
            application/json:
              schema:
                type: object
                required: [data, total]
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/Item"}}
                  total: {type: integer, minimum: 0}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewItem"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
  /items/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200":
          description: one
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "404": {description: none}
components:
  schemas:
    NewItem:
      type: object
      required: [name, status]
      properties:
        name: {type: string, minLength: 1, maxLength: 64}
        status: {type: string, enum: [available, pending, sold]}
        age: {type: integer, minimum: 0}
        tags: {type: array, items: {type: string}, maxItems: 8}
    Item:
      allOf:
        - $ref: "#/components/schemas/NewItem"
        - type: object
          required: [id]
          properties:
            id: {type: string, format: uuid, readOnly: true}
            createdAt: {type: string, format: date-time}
`

// twinDoc parses twinSpec as version ("3.1.0" or "3.0.3").
func twinDoc(tb testing.TB, version string) *openapi.Document {
	tb.Helper()
	src := strings.Replace(twinSpec, "openapi: 3.1.0", "openapi: "+version, 1)
	doc, err := openapi.Parse(context.Background(), []byte(src))
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

var twinVersions = []string{"3.0.3", "3.1.0"}

// twinHandler is a stateful handler on twinDoc holding n items, written
// through the handler; it returns the id of the first.
func twinHandler(b *testing.B, version string, n int) (*Handler, string) {
	b.Helper()
	h, err := New(twinDoc(b, version), WithSeed(1), WithSeedRecords(0))
	if err != nil {
		b.Fatal(err)
	}
	benchDo(b, h, "GET", "/items?_limit=1", "", 200)
	first := ""
	for i := 0; i < n; i++ {
		w := twinPost(b, h)
		if first == "" {
			first = w
		}
	}
	return h, first
}

func twinPost(b *testing.B, h *Handler) string {
	r := httptest.NewRequest("POST", "/items", strings.NewReader(`{"name":"Rex","status":"available","age":3,"tags":["a","b"]}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 201 {
		b.Fatalf("POST: %d %s", w.Code, w.Body.String())
	}
	var item struct{ ID string }
	if err := json.Unmarshal(w.Body.Bytes(), &item); err != nil || item.ID == "" {
		b.Fatalf("POST: no id in %s", w.Body.String())
	}
	return item.ID
}

// BenchmarkTwinList times a page of 10 in an envelope, 3.0 against 3.1.
func BenchmarkTwinList(b *testing.B) {
	for _, v := range twinVersions {
		b.Run(v, func(b *testing.B) {
			h, _ := twinHandler(b, v, 30)
			b.ReportAllocs()
			for b.Loop() {
				benchDo(b, h, "GET", "/items?_limit=10&_page=2", "", 200)
			}
		})
	}
}

// BenchmarkTwinGet times a single-record get, the unit of the list's bound.
func BenchmarkTwinGet(b *testing.B) {
	for _, v := range twinVersions {
		b.Run(v, func(b *testing.B) {
			h, id := twinHandler(b, v, 30)
			b.ReportAllocs()
			for b.Loop() {
				benchDo(b, h, "GET", "/items/"+id, "", 200)
			}
		})
	}
}

// BenchmarkTwinPost times a POST whose body is validated, 3.0 against 3.1.
func BenchmarkTwinPost(b *testing.B) {
	for _, v := range twinVersions {
		b.Run(v, func(b *testing.B) {
			h, _ := twinHandler(b, v, 0)
			b.ReportAllocs()
			for b.Loop() {
				twinPost(b, h)
			}
		})
	}
}

// TestTwinListValid checks that pages assembled from stored JSON, in an
// envelope generated around them, keep the description's promises.
func TestTwinListValid(t *testing.T) {
	t.Parallel()
	for _, v := range twinVersions {
		h, err := New(twinDoc(t, v), WithSeed(1), WithSeedRecords(0))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 12; i++ {
			call(t, h, "POST", "/items", `{"name":"Rex","status":"sold","tags":["a"]}`)
		}
		for _, target := range []string{"/items", "/items?_limit=5&_page=3", "/items?_limit=0"} {
			w := call(t, h, "GET", target, "")
			var page struct {
				Data  []map[string]any
				Total int
			}
			if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || w.Code != 200 || page.Total < 12 {
				t.Errorf("%s GET %s: %d %s", v, target, w.Code, w.Body.String())
			}
			// kin-openapi's own verdict, not the handler's.
			m, err := h.Document().Match(httptest.NewRequest("GET", target, nil))
			if err != nil {
				t.Fatal(err)
			}
			validateResponse(t, h.Document(), m.Operation, httptest.NewRequest("GET", target, nil), w)
		}
	}
}
