package mockapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/openapi/importer"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// A project whose description is a file: Reload reads it again after an
// edit (as the mock server's -watch and POST
// /_admin/projects/{id}/reload do); a bad edit is refused with its
// location, and the last good version serves on.
func ExampleServer_Reload() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "reload")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "api.yaml")
	_ = os.WriteFile(file, []byte(spec), 0o644)

	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	if _, err := srv.PutProject(ctx, "hello", "", []byte(spec), store.Public); err != nil {
		panic(err)
	}
	srv.SetSource("hello", func(ctx context.Context) ([]byte, error) {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		_, err = openapi.Parse(ctx, b, openapi.WithName(file)) // a located error names the file
		return b, err
	})

	_ = os.WriteFile(file, []byte(strings.Replace(spec, "/hello:", "/hi:", 1)), 0o644)
	_, changed, err := srv.Reload(ctx, "hello")
	fmt.Println(changed, err, status(srv, "/p/hello/hi"), status(srv, "/p/hello/hello"))

	_ = os.WriteFile(file, []byte("openapi: 3.1.0\npaths: 7\n"), 0o644)
	_, _, err = srv.Reload(ctx, "hello")
	var ve *mockapi.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field, status(srv, "/p/hello/hi"))
	// Output:
	// true <nil> 200 404
	// true spec 200
}

// A project made from a HAR capture: the description derived by package
// openapi/importer is what the project stores and serves.
func ExampleServer_CreateProject_fromHAR() {
	har := `{"log": {"version": "1.2", "entries": [{
	  "request": {"method": "GET", "url": "https://api.example.com/v1/users/42", "headers": []},
	  "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{\"id\": 42, \"name\": \"Ada\"}"}}}]}}`
	r, err := importer.Import([]byte(har), importer.Options{Title: "Users"})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	p, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "users", Spec: r.YAML(), Visibility: store.Public})
	if err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/p/users/v1/users/42", nil))
	fmt.Println(p.Name, w.Code, w.Body.String())
	// Output:
	// Users 200 {"id":42,"name":"Ada"}
}
