package mock_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

const spec = `
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: A pet.
          content:
            application/json:
              schema:
                type: object
                required: [id, name]
                properties:
                  id: {type: integer}
                  name: {type: string}
              example: {id: 1, name: Rex}
        "404":
          description: No such pet.
`

// The mock handler inside httptest.NewServer: the spec is the contract of a
// fake backend in a Go test.
func Example() {
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc, mock.WithSeed(42))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/pets/1")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))

	// Ask for another declared status, as with Prism.
	req, _ := http.NewRequest("GET", srv.URL+"/pets/1", nil)
	req.Header.Set("Prefer", "code=404")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	// A request the spec does not allow is answered with a problem document.
	resp, err = http.Get(srv.URL + "/pets/abc")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	// Output:
	// 200 {"id":1,"name":"Rex"}
	// 404
	// 400 application/problem+json
}

// Options change what the mock does: here every body is generated from the
// schema (deterministically, under a seed) and requests are not validated.
func ExampleNew() {
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc, mock.WithSeed(7), mock.WithDynamic(), mock.WithoutValidation())
	if err != nil {
		panic(err)
	}
	a, b := httptest.NewRecorder(), httptest.NewRecorder()
	h.ServeHTTP(a, httptest.NewRequest("GET", "/pets/abc", nil))
	h.ServeHTTP(b, httptest.NewRequest("GET", "/pets/abc", nil))
	fmt.Println(a.Code, a.Body.String() == b.Body.String(), a.Body.String() != `{"id":1,"name":"Rex"}`)
	// Output:
	// 200 true true
}

// An override answers one operation in Go: here 404 for pet 0, and the
// spec's answer, with a header added, for every other pet. Requests the
// spec refuses never reach it.
func ExampleWithOperation() {
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc, mock.WithOperation("getPet", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		m, _ := openapi.MatchFrom(r.Context())
		if m.Params()["id"] == "0" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("X-Answered-By", "override")
		next.ServeHTTP(w, r)
	}))
	if err != nil {
		panic(err)
	}
	for _, path := range []string{"/pets/0", "/pets/1", "/pets/x"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, rec.Code, rec.Header().Get("X-Answered-By"), rec.Body.Len() > 0)
	}
	// Output:
	// /pets/0 404  false
	// /pets/1 200 override true
	// /pets/x 400  true
}

// A text/event-stream response is streamed: generated events, flushed one
// by one, as many and as far apart as WithStream (or the request's Prefer
// header) says.
func ExampleWithStream() {
	const sse = `
openapi: 3.0.3
info: {title: Ticks, version: "1"}
paths:
  /ticks:
    get:
      responses:
        "200":
          description: a tick per second
          content:
            text/event-stream:
              schema: {type: integer, minimum: 1, maximum: 1}
`
	doc, err := openapi.Parse(context.Background(), []byte(sse))
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc, mock.WithStream(2, time.Millisecond))
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/ticks", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// id: 1
	// data: 1
	//
	// id: 2
	// data: 1
}
