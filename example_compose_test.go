package mockapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

const petsSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
security: [{bearer: []}]
paths:
  /pets:
    post:
      requestBody:
        required: true
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
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
`

// The pieces of a mockapi.Server composed by hand inside an application's
// own mux, under a prefix: the mock behind an auth guard at /api/pets/,
// share links at /api/s/, and one CORS policy in front of both. The mock
// tells its mount from the request, so the Location of a new pet points
// back inside /api/pets/ (or inside the share link), and the spec's own
// bearer scheme does not refuse a caller the guard let in with a key.
func Example_composeByHand() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()

	doc, err := openapi.Parse(ctx, []byte(petsSpec))
	if err != nil {
		panic(err)
	}
	pets, err := mock.New(doc, mock.WithStore(st.Records(), "pets"), mock.WithSeedRecords(0), mock.WithoutCORS())
	if err != nil {
		panic(err)
	}
	guard := auth.NewGuard(auth.Options{Keys: st.Keys()})
	defer guard.Close()
	policy := &auth.Policy{Project: "pets", Visibility: store.Private, Document: doc}

	links := share.NewRegistry(st.Links())
	served := &share.Served{Project: &store.Project{ID: "pets"}, Document: doc, Mock: pets, Policy: policy}
	shared, err := share.NewHandler(share.Options{
		Registry: links,
		Guard:    guard,
		Prefix:   "/api/s/",
		Project: func(context.Context, string) (*share.Served, error) {
			return served, nil
		},
	})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.Handle("/api/pets/", http.StripPrefix("/api/pets", guard.Protect(policy)(pets)))
	mux.Handle("/api/s/", shared)
	srv := httptest.NewServer(mock.CORS{}.Handler(mux))
	defer srv.Close()

	secret, key := auth.NewKey("frontend", "pets")
	if err := st.Keys().Create(ctx, key); err != nil {
		panic(err)
	}
	token, _, err := links.Create(ctx, "pets", share.LinkOptions{})
	if err != nil {
		panic(err)
	}

	call := func(method, path, body string, header ...string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "https://app.example")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp
	}

	resp := call("POST", "/api/pets/pets", `{"name":"Rex"}`)
	fmt.Println(resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))

	resp = call("POST", "/api/pets/pets", `{"name":"Rex"}`, "X-API-Key", secret)
	loc := resp.Header.Get("Location")
	fmt.Println(resp.StatusCode, loc)
	fmt.Println(call("GET", loc, "", "X-API-Key", secret).StatusCode)

	// A link visitor's writes are theirs alone: the session header keeps
	// them across requests (a browser keeps the link's cookie instead).
	visitor := []string{mock.SessionHeader, "visitor-1"}
	resp = call("POST", "/api/s/"+token+"/pets", `{"name":"Tom"}`, visitor...)
	loc = resp.Header.Get("Location")
	fmt.Println(resp.StatusCode, strings.Replace(loc, token, "<token>", 1))
	fmt.Println(call("GET", loc, "", visitor...).StatusCode)
	// Output:
	// 401 *
	// 201 /api/pets/pets/1
	// 200
	// 201 /api/s/<token>/pets/2
	// 200
}
