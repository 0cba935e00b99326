package share_test

import (
	"context"
	"errors"
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

func ExampleRegistry() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	reg := share.NewRegistry(st.Links())

	// The token is shown once; the store keeps only its hash.
	token, link, err := reg.Create(ctx, "pets", share.LinkOptions{Name: "partner demo"})
	if err != nil {
		panic(err)
	}
	got, err := reg.Resolve(ctx, token)
	fmt.Println(got.Name, got.Project, err)

	// Regenerating gives a new token; the old one stops at once.
	token2, _, _ := reg.Regenerate(ctx, link.ID)
	_, err = reg.Resolve(ctx, token)
	fmt.Println("old token:", errors.Is(err, store.ErrNotFound))

	_ = reg.Revoke(ctx, link.ID)
	_, err = reg.Resolve(ctx, token2)
	fmt.Println("after revoke:", errors.Is(err, store.ErrNotFound))
	// Output:
	// partner demo pets <nil>
	// old token: true
	// after revoke: true
}

const exampleSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              example: [{"name": "Rex"}]
  /pets/{id}:
    delete:
      operationId: deletePet
      x-mock-visibility: private
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"204": {description: gone}}
`

func ExampleHandler() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	doc, err := openapi.Parse(ctx, []byte(exampleSpec))
	if err != nil {
		panic(err)
	}
	m, err := mock.New(doc)
	if err != nil {
		panic(err)
	}
	// The project is private; a share link opens it, all but its private
	// operations.
	served := &share.Served{
		Project:  &store.Project{ID: "pets", Name: "Pets", Visibility: store.Private},
		Document: doc,
		Mock:     m,
		Policy:   &auth.Policy{Project: "pets", Visibility: store.Private, Document: doc},
	}
	reg := share.NewRegistry(st.Links())
	guard := auth.NewGuard(auth.Options{Keys: st.Keys()})
	defer guard.Close()
	h, err := share.NewHandler(share.Options{
		Registry: reg,
		Guard:    guard,
		Project: func(ctx context.Context, id string) (*share.Served, error) {
			if id != "pets" {
				return nil, store.ErrNotFound
			}
			return served, nil
		},
		Record: func(e store.Entry) { fmt.Println("recorded:", e.Method, e.Path, e.Status, e.Operation) },
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	token, _, _ := reg.Create(ctx, "pets", share.LinkOptions{})
	for _, call := range []struct{ method, path string }{
		{"GET", "/s/" + token + "/pets"},
		{"DELETE", "/s/" + token + "/pets/1"},
	} {
		req, _ := http.NewRequest(call.method, srv.URL+call.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, strings.TrimSpace(string(body)))
	}
	// Output:
	// recorded: GET /pets 200 listPets
	// 200 [{"name":"Rex"}]
	// recorded: DELETE /pets/1 404 deletePet
	// 404 {"type":"about:blank","title":"Not Found","status":404,"detail":"no path of the API description matches /pets/1","code":"NOT_FOUND"}
}
