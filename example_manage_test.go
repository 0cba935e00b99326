package mockapi_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// status answers a GET through srv with the headers given in pairs.
func status(srv *mockapi.Server, path string, header ...string) int {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	srv.ServeHTTP(w, r)
	return w.Code
}

// A key can be deactivated and reactivated, and its scope changed; each
// change holds from the next request.
func ExampleServer_UpdateKey() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	if _, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "hello", Spec: []byte(spec)}); err != nil {
		panic(err)
	}
	secret, k, _ := srv.CreateKey(ctx, mockapi.NewKey{Name: "ci", Projects: []string{"hello"}})
	off, on := false, true

	_, _ = srv.UpdateKey(ctx, k.ID, mockapi.KeyUpdate{Active: &off})
	fmt.Println(status(srv, "/p/hello/hello", "X-API-Key", secret))
	_, _ = srv.UpdateKey(ctx, k.ID, mockapi.KeyUpdate{Active: &on, Projects: &[]string{}})
	fmt.Println(status(srv, "/p/hello/hello", "X-API-Key", secret))
	got, _ := srv.GetKey(ctx, k.ID)
	fmt.Println(got.Name, len(got.Projects), got.DeactivatedAt.IsZero())
	// Output:
	// 401
	// 200
	// ci 0 true
}

// A link can be paused and made to require a key; a project's sharing
// setting stops all its links at once.
func ExampleServer_UpdateLink() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	if _, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "hello", Spec: []byte(spec), Visibility: store.Public}); err != nil {
		panic(err)
	}
	token, l, _ := srv.CreateLink(ctx, "hello", share.LinkOptions{Name: "demo"})
	url := srv.ShareURL(token) + "/hello"
	yes, no := true, false
	fmt.Println(status(srv, url))
	_, _ = srv.UpdateLink(ctx, l.ID, mockapi.LinkUpdate{RequireToken: &yes})
	fmt.Println(status(srv, url))
	_, _ = srv.UpdateLink(ctx, l.ID, mockapi.LinkUpdate{RequireToken: &no, Enabled: &no})
	fmt.Println(status(srv, url))
	_, _ = srv.UpdateLink(ctx, l.ID, mockapi.LinkUpdate{Enabled: &yes})
	_, _ = srv.UpdateProject(ctx, "hello", mockapi.ProjectUpdate{Sharing: &no})
	fmt.Println(status(srv, url))
	_, _ = srv.UpdateProject(ctx, "hello", mockapi.ProjectUpdate{Sharing: &yes})
	fmt.Println(status(srv, url))
	// Output:
	// 200
	// 401
	// 404
	// 404
	// 200
}

// Warnings come with the pointer and line of what they are about; Spec
// gives the description back as it was stored.
func ExampleServer_Warnings() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st})
	defer srv.Close()
	const bad = `openapi: 3.0.3
info: {title: Bad example, version: "1"}
paths:
  /n:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: integer}
              example: seven
`
	if _, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "n", Spec: []byte(bad)}); err != nil {
		panic(err)
	}
	ws, _ := srv.Warnings(ctx, "n")
	for _, w := range ws {
		fmt.Println(w.Line, w.Path())
	}
	stored, format, _ := srv.Spec(ctx, "n")
	fmt.Println(format, string(stored) == bad)
	// Output:
	// 12 paths./n.get.responses.200.content.application/json.example
	// yaml true
}
