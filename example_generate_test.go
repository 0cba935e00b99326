package mockapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

const usersSpec = `openapi: 3.0.3
info: {title: Users, version: "1"}
paths:
  /users:
    get:
      operationId: listUsers
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/User"}}
  /users/{id}:
    get:
      operationId: getUser
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/User"}
components:
  schemas:
    User:
      type: object
      required: [id, user_type]
      properties:
        id: {type: integer}
        user_type: {type: string, enum: [premium, basic, trial]}
        plan: {type: string}
`

// Operations lists a project's endpoints with the resource each acts on;
// GenerateRecords fills that resource with records, here with user_type
// drawn from a list and plan set for all.
func ExampleServer_GenerateRecords() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, _ := mockapi.New(mockapi.Options{Store: st, MockOptions: []mock.Option{mock.WithSeed(42)}})
	defer srv.Close()
	_, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "users", Name: "Users", Spec: []byte(usersSpec),
		Visibility: store.Public, Settings: mockapi.Settings{SeedRecords: mockapi.NoSeedRecords}})
	if err != nil {
		panic(err)
	}
	ops, _ := srv.Operations(ctx, "users")
	for _, op := range ops {
		fmt.Println(op.Method, op.Path, op.Action, op.Resource)
	}

	g, err := srv.GenerateRecords(ctx, "users", "users", mockapi.GenerateOptions{Count: 50,
		Fields: map[string]any{"user_type": []any{"premium", "basic", "trial"}, "plan": "pro"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(g.Count, "records,", len(g.Preview), "in the preview")

	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/p/users/users/50", nil))
	b, _ := io.ReadAll(w.Body)
	fmt.Println(w.Code, string(b))
	// Output:
	// GET /users list users
	// GET /users/{id} get users
	// 50 records, 5 in the preview
	// 200 {"id":50,"plan":"pro","user_type":"premium"}
}
