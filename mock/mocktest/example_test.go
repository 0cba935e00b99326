package mocktest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/mocktest"
	"github.com/mockapi-go/mockapi/mock/rules"
)

const petSpec = `
openapi: 3.0.3
info: {title: Pets, version: "1"}
servers: [{url: /v1}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        "200":
          description: Pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
              example: [{id: 1, name: Rex}]
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string, minLength: 1}}}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
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
              schema: {$ref: "#/components/schemas/Pet"}
              examples:
                rex: {value: {id: 1, name: Rex}}
                tom: {value: {id: 2, name: Tom}}
        "404":
          description: No such pet.
          content:
            application/problem+json:
              schema:
                type: object
                required: [title]
                properties: {title: {type: string}, status: {type: integer}}
        "503":
          description: Try again.
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
`

// Pet and getPet stand for the code under test: a client of the pets API
// that retries a 503 once.
type Pet struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func getPet(c *http.Client, base string, id int) (Pet, error) {
	var pet Pet
	for attempt := 0; attempt < 2; attempt++ {
		resp, err := c.Get(fmt.Sprintf("%s/v1/pets/%d", base, id))
		if err != nil {
			return pet, err
		}
		err = nil
		switch resp.StatusCode {
		case http.StatusOK:
			err = json.NewDecoder(resp.Body).Decode(&pet)
		case http.StatusServiceUnavailable:
			resp.Body.Close()
			continue
		default:
			err = fmt.Errorf("getPet: %s", resp.Status)
		}
		resp.Body.Close()
		return pet, err
	}
	return pet, fmt.Errorf("getPet: still unavailable")
}

// The happy path: the spec answers (here its first named example), and the
// test asks what the code under test called.
func Example() {
	runTest(func(t testing.TB) { // t is the test's *testing.T
		srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)), mocktest.WithMockOptions(mock.WithSeed(1)))

		pet, err := getPet(srv.Client(), srv.URL(), 1)
		fmt.Println(pet.Name, err)

		srv.AssertCalled(t, "getPet", 1)
		srv.AssertNotCalled(t, "listPets")
	})
	// Output:
	// Rex <nil>
}

// The description comes from a file system: an embed.FS in a real test,
// where relative $refs are read too.
func ExampleFS() {
	fsys := fstest.MapFS{"api/pets.yaml": {Data: []byte(petSpec)}}
	runTest(func(t testing.TB) {
		srv := mocktest.New(t, mocktest.FS(fsys, "api/pets.yaml"))
		pet, err := getPet(srv.Client(), srv.URL(), 1)
		fmt.Println(pet.Name, err)
	})
	// Output:
	// Rex <nil>
}

// An error stub: this test only, getPet answers 404 with a problem body.
// The stub is checked against the spec when it is registered.
func ExampleReply() {
	runTest(func(t testing.TB) {
		srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
		srv.On("getPet", mocktest.MatchPath("id", "7"), mocktest.Reply(404, map[string]any{"title": "no pet 7"}))

		_, err := getPet(srv.Client(), srv.URL(), 7)
		fmt.Println(err)
		pet, _ := getPet(srv.Client(), srv.URL(), 1) // other ids: the spec
		fmt.Println(pet.Name)
	})
	// Output:
	// getPet: 404 Not Found
	// Rex
}

// A retry sequence: first 503 with a header, then 200, for two requests;
// the journal shows who answered.
func ExampleServer_On() {
	runTest(func(t testing.TB) {
		srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
		srv.On("GET /pets/{id}",
			mocktest.Reply(503, nil).WithHeader("Retry-After", "0"),
			mocktest.Reply(200, Pet{ID: 2, Name: "Tom"}),
			mocktest.Times(2))

		pet, err := getPet(srv.Client(), srv.URL(), 2)
		fmt.Println(pet.Name, err)
		for _, c := range srv.Calls("getPet") {
			fmt.Println(c)
		}
		srv.AssertCalled(t, "getPet", 2)
	})
	// Output:
	// Tom <nil>
	// GET /v1/pets/2 -> getPet -> 503 (stub)
	// GET /v1/pets/2 -> getPet -> 200 (stub)
}

// A stub answers with one of the spec's named examples, exactly as the mock
// serves it for Prefer: example=tom.
func ExampleExample() {
	runTest(func(t testing.TB) {
		srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
		srv.On("getPet", mocktest.Reply(200, mocktest.Example("tom")))

		pet, err := getPet(srv.Client(), srv.URL(), 1)
		fmt.Println(pet.Name, err)
	})
	// Output:
	// Tom <nil>
}

// A client that drifted from the API fails its own test: the request is
// answered as the mock answers it and reported when the test ends.
func ExampleNew_contract() {
	runTest(func(t testing.TB) {
		srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
		resp, err := srv.Client().Get(srv.URL() + "/v1/pets?limit=1000")
		if err == nil {
			resp.Body.Close()
			fmt.Println(resp.StatusCode)
		}
	})
	// Output:
	// 400
	// FAIL: mocktest: 1 request(s) broke the API description document:
	// 	GET /v1/pets?limit=1000 -> listPets -> 400 (spec)
	// 		query limit: number must be at most 100
}

// runTest runs body as a test would and prints its failures: it stands in
// for the *testing.T an Example does not have.
func runTest(body func(t testing.TB)) {
	t := &exampleT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			for i := len(t.cleanups) - 1; i >= 0; i-- {
				t.cleanups[i]()
			}
		}()
		body(t)
	}()
	<-done
}

type exampleT struct {
	testing.TB
	cleanups []func()
}

func (t *exampleT) Helper()                      {}
func (t *exampleT) Cleanup(f func())             { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Logf(format string, a ...any) {}
func (t *exampleT) Errorf(format string, a ...any) {
	fmt.Printf("FAIL: "+format+"\n", a...)
}
func (t *exampleT) Fatalf(format string, a ...any) {
	fmt.Printf("FAIL: "+format+"\n", a...)
	runtime.Goexit()
}

const hookSpec = `
openapi: 3.0.3
info: {title: Orders, version: "1"}
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [notify], properties: {notify: {type: string, format: uri}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: integer, example: 7}}}
      callbacks:
        orderShipped:
          '{$request.body#/notify}/orders/{$response.body#/id}':
            post:
              requestBody:
                content:
                  application/json:
                    schema: {type: object, required: [status], properties: {status: {type: string, enum: [shipped]}}}
              responses:
                "204": {description: received}
`

// The code under test registers a webhook; the test receives the callback
// the spec declares and asserts it arrived.
func ExampleServer_AwaitCallback() {
	runTest(func(t testing.TB) {
		got := make(chan string, 1)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got <- r.URL.Path + " " + string(b)
			w.WriteHeader(http.StatusNoContent)
		}))
		defer receiver.Close()
		srv := mocktest.New(t, mocktest.Bytes([]byte(hookSpec)))

		resp, err := srv.Client().Post(srv.URL()+"/orders", "application/json",
			strings.NewReader(`{"notify":"`+receiver.URL+`/hooks"}`))
		if err != nil {
			panic(err)
		}
		resp.Body.Close()

		d := srv.AwaitCallback("orderShipped", 5*time.Second)
		fmt.Println(d.Method, d.Status, d.OK())
		fmt.Println(<-got)
	})
	// Output:
	// POST 204 true
	// /hooks/orders/7 {"status":"shipped"}
}

// A rule stub answers only the requests its conditions hold for, and a
// template reply echoes the request: both are checked against the spec.
func ExampleRule() {
	runTest(func(t testing.TB) {
		srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
		srv.On("getPet", mocktest.Rule(rules.Rule{
			When: []rules.Condition{{In: "path", Name: "id", Equals: 7}},
			Body: map[string]any{"id": "{{request.path.id}}", "name": "Lucky {{request.path.id}}"},
		}))
		pet, err := getPet(srv.Client(), srv.URL(), 7)
		fmt.Println(pet.ID, pet.Name, err)
		pet, err = getPet(srv.Client(), srv.URL(), 1) // the rule does not hold: the spec answers
		fmt.Println(pet.ID, pet.Name, err)
	})
	// Output:
	// 7 Lucky 7 <nil>
	// 1 Rex <nil>
}

// A template reply renders its body from each request.
func ExampleReplyTemplate() {
	runTest(func(t testing.TB) {
		srv := mocktest.New(t, mocktest.Bytes([]byte(petSpec)))
		srv.On("createPet", mocktest.ReplyTemplate(201, map[string]any{"id": 42, "name": "{{request.body.name}}"}))
		resp, err := srv.Client().Post(srv.URL()+"/v1/pets", "application/json", strings.NewReader(`{"name":"Bella"}`))
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, string(b))
	})
	// Output:
	// 201 {"id":42,"name":"Bella"}
}
