package mockapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

const spec = `openapi: 3.0.3
info: {title: Hello, version: "1"}
paths:
  /hello:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {msg: {type: string}}}
              example: {msg: hi}
`

// A Server hosts projects over one store: here a private project created
// through the management API, called with a key made for it.
func ExampleServer() {
	st := memory.New()
	defer st.Close()
	srv, err := mockapi.New(mockapi.Options{Store: st, AdminToken: "5f0c9e2b7a4d4e1c8b3a6f9d2e7c1b40"})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()

	call := func(method, path, body string, header ...string) string {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, b)
	}
	admin := []string{"Authorization", "Bearer 5f0c9e2b7a4d4e1c8b3a6f9d2e7c1b40", "Content-Type", "application/json"}
	fmt.Println(call("POST", "/_admin/projects", fmt.Sprintf(`{"id":"hello","name":"Hello","visibility":"private","spec":%q}`, spec), admin...)[:3])
	fmt.Println(call("GET", "/p/hello/hello", "")[:3])

	// The key's secret is in the answer to its creation, and only there.
	_, key, _ := strings.Cut(call("POST", "/_admin/keys", `{"name":"ci","projects":["hello"]}`, admin...), `"key":"`)
	key, _, _ = strings.Cut(key, `"`)
	fmt.Println(call("GET", "/p/hello/hello", "", "X-API-Key", key))
	// Output:
	// 201
	// 401
	// 200 {"msg":"hi"}
}

// PutProject is how a program serves one description at the root, as the
// mock server does with -spec.
func ExampleServer_PutProject() {
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	if _, err := srv.PutProject(context.Background(), "default", "Hello", []byte(spec), store.Public); err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/hello", nil))
	fmt.Println(w.Code, w.Body.String())
	// Output: 200 {"msg":"hi"}
}

// Projects, keys and share links are made from Go with the same checks
// as the management API: a private project with a rate limit, a key for
// it, and a share link.
func ExampleServer_CreateProject() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, err := mockapi.New(mockapi.Options{Store: st})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	p, err := srv.CreateProject(ctx, mockapi.NewProject{
		ID:         "hello",
		Name:       "Hello",
		Spec:       []byte(spec),
		Visibility: store.Private,
		Settings:   mockapi.Settings{RateLimit: mockapi.RateLimit{Requests: 100, Per: time.Minute}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.ID, p.Visibility, p.Settings.RateLimit.Requests, srv.InvokeURL(p.ID))

	secret, key, err := srv.CreateKey(ctx, mockapi.NewKey{Name: "ci", Projects: []string{"hello"}})
	if err != nil {
		panic(err)
	}
	token, _, err := srv.CreateLink(ctx, "hello", share.LinkOptions{Name: "demo"})
	if err != nil {
		panic(err)
	}

	get := func(path string, header ...string) int {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		srv.ServeHTTP(w, r)
		return w.Code
	}
	fmt.Println(get("/p/hello/hello"), get("/p/hello/hello", "X-API-Key", secret))
	// A link to a private project needs a key as well.
	fmt.Println(get(srv.ShareURL(token)+"/hello"), get(srv.ShareURL(token)+"/hello", "X-API-Key", secret))

	if err := srv.RevokeKey(ctx, key.ID); err != nil {
		panic(err)
	}
	fmt.Println(get("/p/hello/hello", "X-API-Key", secret))
	// Output:
	// hello private 100 /p/hello
	// 401 200
	// 401 200
	// 401
}

// Refused input is a *ValidationError naming the field; a missing project
// is ErrNotFound.
func ExampleServer_UpdateProject() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	created, err := srv.PutProject(ctx, "hello", "Hello", []byte(spec), store.Public)
	if err != nil {
		panic(err)
	}

	allow := true
	p, err := srv.UpdateProject(ctx, "hello", mockapi.ProjectUpdate{AllowQueryToken: &allow})
	fmt.Println(p.Settings.AllowQueryToken, p.Version-created.Version, err)

	everyone := store.Visibility("everyone")
	_, err = srv.UpdateProject(ctx, "hello", mockapi.ProjectUpdate{Visibility: &everyone})
	var invalid *mockapi.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println(invalid.Field+":", invalid.Reason)
	}

	_, err = srv.UpdateProject(ctx, "goodbye", mockapi.ProjectUpdate{AllowQueryToken: &allow})
	fmt.Println(errors.Is(err, mockapi.ErrNotFound))
	// Output:
	// true 1 <nil>
	// visibility: "everyone" is not private, public or authenticated
	// true
}

// Shutdown follows http.Server.Shutdown, within the same deadline: the
// request log is written before the program exits.
func ExampleServer_Shutdown() {
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	if _, err := srv.PutProject(context.Background(), "default", "Hello", []byte(spec), store.Public); err != nil {
		panic(err)
	}
	hs := httptest.NewServer(srv) // or an *http.Server of your own
	resp, err := http.Get(hs.URL + "/hello")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hs.Close() // http.Server.Shutdown(ctx): no request in flight
	fmt.Println(srv.Shutdown(ctx))

	entries, _ := st.RequestLog().Query(context.Background(), store.LogQuery{Project: "default", Limit: 10})
	fmt.Println(len(entries), entries[0].Path, entries[0].Status)
	// Output:
	// <nil>
	// 1 /hello 200
}

// AdminDescription is the management API's OpenAPI 3.1 description: load
// it like any other to find an endpoint, generate a client, or mock the
// management API itself.
func ExampleAdminDescription() {
	doc, err := openapi.Parse(context.Background(), mockapi.AdminDescription())
	if err != nil {
		fmt.Println(err)
		return
	}
	op := doc.Operation("createKey")
	fmt.Println(op.Method, op.Path)
	// Output: POST /_admin/keys
}
