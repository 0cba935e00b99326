package mockapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mockapi-go/mockapi"
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
