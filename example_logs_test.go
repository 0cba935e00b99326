package mockapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/mockapi-go/mockapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// Logs and Analytics read what the request log kept, from Go: the same
// entries and numbers as GET .../logs and .../analytics.
func ExampleServer_Logs() {
	ctx := context.Background()
	st := memory.New()
	defer st.Close()
	srv, err := mockapi.New(mockapi.Options{Store: st})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	const spec = `openapi: 3.0.3
info: {title: Ping, version: "1"}
paths:
  /ping:
    get:
      operationId: ping
      responses:
        "200": {description: pong}
`
	if _, err := srv.CreateProject(ctx, mockapi.NewProject{ID: "ping", Spec: []byte(spec), Visibility: store.Public}); err != nil {
		panic(err)
	}
	for _, path := range []string{"/p/ping/ping", "/p/ping/ping", "/p/ping/nowhere"} {
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}

	entries, err := srv.Logs(ctx, "ping", store.LogQuery{Limit: 10})
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		fmt.Printf("%s %s %d %q\n", e.Method, e.Path, e.Status, e.Operation)
	}
	a, err := srv.Analytics(ctx, "ping", "7d")
	if err != nil {
		panic(err)
	}
	fmt.Println("total:", a.Total, "2xx:", a.ByStatus["2xx"], "top:", a.Top[0].OperationID, a.Top[0].Count)
	// Output:
	// GET /nowhere 404 ""
	// GET /ping 200 "ping"
	// GET /ping 200 "ping"
	// total: 3 2xx: 2 top: ping 2
}
