package mock_test

import (
	"context"
	"fmt"
	"github.com/mockapi-go/mockapi/mock/callback"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/rules"
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

// WithCallbacks fires an operation's callbacks after it answers: here the
// subscription's callback is posted to the URL the client gave, and the
// dispatcher's journal shows its delivery.
func ExampleWithCallbacks() {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	const spec = `
openapi: 3.0.3
info: {title: Hooks, version: "1"}
paths:
  /subscriptions:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [url], properties: {url: {type: string, format: uri}}}
      responses:
        "201": {description: subscribed}
      callbacks:
        onEvent:
          '{$request.body#/url}':
            post:
              requestBody:
                content:
                  application/json:
                    schema: {type: object, required: [event], properties: {event: {type: string, enum: [created]}}}
              responses:
                "204": {description: received}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	// AllowPrivate: the receiver listens on 127.0.0.1, which is refused
	// by default.
	d, err := callback.New(callback.Options{AllowPrivate: true, Retries: 2})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	h, err := mock.New(doc, mock.WithCallbacks(d))
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", "/subscriptions", strings.NewReader(`{"url":"`+receiver.URL+`/hook"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println("answer:", rec.Code)
	delivery, err := d.Await(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("callback:", delivery.Callback, delivery.Method, delivery.Status, delivery.OK())
	// Output:
	// answer: 201
	// callback: onEvent POST 204 true
}

// WithChaos makes a flaky backend: here half the answers on average fail,
// with a status the operation declares (500 is not), in the same sequence
// on every run under the seed.
func ExampleWithChaos() {
	const flaky = `
openapi: 3.0.3
info: {title: Flaky, version: "1"}
paths:
  /ping:
    get:
      responses:
        "200": {description: pong}
        "503": {description: unavailable}
`
	doc, err := openapi.Parse(context.Background(), []byte(flaky))
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc, mock.WithSeed(3), mock.WithChaos(mock.Chaos{ErrorRate: 0.5, Statuses: []int{500, 503}}))
	if err != nil {
		panic(err)
	}
	for range 6 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/ping", nil))
		fmt.Print(rec.Code, " ")
	}
	fmt.Println()
	// Output: 200 200 200 200 200 503
}

// WithRules answers from the request without code: here the posted name
// is echoed, and one name is refused. Rules are checked against the spec
// when the handler is built.
func ExampleWithRules() {
	const pets = `
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    post:
      operationId: createPet
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {type: object, properties: {id: {type: integer}, name: {type: string}}}
        "409": {description: the name is taken}
`
	doc, err := openapi.Parse(context.Background(), []byte(pets))
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc, mock.WithoutState(), mock.WithRules("createPet",
		rules.Rule{Name: "taken", When: []rules.Condition{{In: "body", Pointer: "/name", Equals: "Rex"}}, Status: 409},
		rules.Rule{Name: "echo", Status: 201, Body: map[string]any{"id": 1, "name": "{{request.body.name}}"}},
	))
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"Rex", "Tom"} {
		req := httptest.NewRequest("POST", "/pets", strings.NewReader(`{"name":"`+name+`"}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Body.String())))
	}
	// Output:
	// 409
	// 201 {"id":1,"name":"Tom"}
}

// Handler.Stream lets Go code answer a stream, here an override that
// streams a fixed script of events; each item is checked against the
// spec's item schema before anything is sent.
func ExampleHandler_Stream() {
	const spec = `
openapi: 3.0.3
info: {title: Chat, version: "1"}
paths:
  /chat:
    get:
      operationId: chat
      responses:
        "200":
          description: tokens
          content:
            text/event-stream:
              schema:
                type: object
                required: [data]
                properties: {event: {type: string}, data: {type: string}}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	var h *mock.Handler
	h, err = mock.New(doc, mock.WithOperation("chat", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		m, _ := openapi.MatchFrom(r.Context())
		err := h.Stream(w, r, m.Operation, 200, 0,
			map[string]any{"event": "token", "data": "Hello"},
			map[string]any{"event": "done", "data": "[DONE]"})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/chat", nil))
	fmt.Print(rec.Body.String())
	// Output:
	// event: token
	// data: Hello
	//
	// event: done
	// data: [DONE]
}

// CheckRule, RuleMatches and ServeRule let a layer over the handler (an
// override here, mock/mocktest's Rule stubs elsewhere) answer with rules
// it holds itself, checked against the spec like x-mock-rules.
func ExampleHandler_ServeRule() {
	const spec = `
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: a pet
          content:
            application/json:
              schema: {type: object, required: [id, name], properties: {id: {type: integer}, name: {type: string}}}
              example: {id: 1, name: Rex}
        "404": {description: none}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	gone := &rules.Rule{When: []rules.Condition{{In: "path", Name: "id", Equals: 0}}, Status: 404}
	var h *mock.Handler
	h, err = mock.New(doc, mock.WithOperation("getPet", func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if h.RuleMatches(r, gone) {
			if err := h.ServeRule(w, r, gone); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
			return
		}
		next.ServeHTTP(w, r)
	}))
	if err != nil {
		panic(err)
	}
	if err := h.CheckRule(doc.Lookup("getPet"), gone); err != nil {
		panic(err)
	}
	for _, path := range []string{"/pets/0", "/pets/1"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, rec.Code)
	}
	// Output:
	// /pets/0 404
	// /pets/1 200
}

// FireWebhook sends a webhook an OpenAPI 3.1 description declares, its
// body generated from the webhook's request schema.
func ExampleHandler_FireWebhook() {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	defer receiver.Close()
	const spec = `
openapi: 3.1.0
info: {title: Shop, version: "1"}
paths: {}
webhooks:
  orderPaid:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [orderId], properties: {orderId: {type: integer, minimum: 1}}}
      responses:
        "200": {description: ok}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	d, err := callback.New(callback.Options{AllowPrivate: true})
	if err != nil {
		panic(err)
	}
	defer d.Close()
	h, err := mock.New(doc, mock.WithCallbacks(d))
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Webhooks())
	n, err := h.FireWebhook("orderPaid", receiver.URL+"/hooks")
	fmt.Println(n, err)
	delivery, err := d.Await(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(delivery.Callback, delivery.Status)
	// Output:
	// [orderPaid]
	// 1 <nil>
	// orderPaid 200
}
