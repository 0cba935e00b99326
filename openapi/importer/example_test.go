package importer_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/openapi/importer"
)

const calls = `
curl https://api.example.com/v1/users/42 -H 'Authorization: Bearer eyJhbGciOi...'
curl -X POST https://api.example.com/v1/users -H 'Content-Type: application/json' \
     -d '{"email":"ada@example.com","password":"hunter2"}'
`

func ExampleImport() {
	r, err := importer.Import([]byte(calls), importer.Options{Title: "Users"})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Format, r.Requests, r.Operations)
	fmt.Print(string(r.YAML()))
	// Output:
	// curl 2 2
	// openapi: 3.1.0
	// info:
	//   title: Users
	//   version: 1.0.0
	//   description: 'Derived by mockapi from curl commands: 2 requests described, 0 skipped.'
	// servers:
	//   - url: https://api.example.com
	// paths:
	//   /v1/users:
	//     post:
	//       operationId: postV1Users
	//       requestBody:
	//         required: true
	//         content:
	//           application/json:
	//             schema:
	//               type: object
	//               properties:
	//                 email:
	//                   type: string
	//                   format: email
	//                 password:
	//                   type: string
	//               required:
	//                 - email
	//                 - password
	//             example:
	//               email: ada@example.com
	//               password: REDACTED
	//       responses:
	//         "200":
	//           description: No response was recorded
	//   /v1/users/{userId}:
	//     get:
	//       operationId: getV1UsersByUserId
	//       parameters:
	//         - name: userId
	//           in: path
	//           required: true
	//           schema:
	//             type: integer
	//           example: 42
	//       security:
	//         - bearerAuth: []
	//       responses:
	//         "200":
	//           description: No response was recorded
	// components:
	//   securitySchemes:
	//     bearerAuth:
	//       type: http
	//       scheme: bearer
}

func ExampleDetect() {
	fmt.Println(importer.Detect([]byte(`{"log": {"version": "1.2", "entries": []}}`)))
	fmt.Println(importer.Detect([]byte(`{"info": {"name": "Shop"}, "item": []}`)))
	fmt.Println(importer.Detect([]byte("# from the wiki\ncurl https://api.example.com/health")))
	fmt.Printf("%q\n", importer.Detect([]byte("openapi: 3.1.0")))
	// Output:
	// har
	// postman
	// curl
	// ""
}

// A HAR capture served by the mock: the recorded answer comes back.
func ExampleResult_JSON() {
	har := `{"log": {"version": "1.2", "entries": [{
	  "request": {"method": "GET", "url": "https://api.example.com/orders/3fa85f64-5717-4562-b3fc-2c963f66afa6", "headers": []},
	  "response": {"status": 200, "content": {"mimeType": "application/json",
	    "text": "{\"id\": \"3fa85f64-5717-4562-b3fc-2c963f66afa6\", \"total\": 12.5, \"placed_at\": \"2026-03-02T10:15:30Z\"}"}}}]}}`
	r, err := importer.Import([]byte(har), importer.Options{})
	if err != nil {
		panic(err)
	}
	doc, err := openapi.Parse(context.Background(), r.JSON(), openapi.Strict())
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc, mock.WithoutState())
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/orders/0b0e5f1c-8a7d-4c3e-9f21-6d5a4b3c2e1f", nil))
	fmt.Println(doc.Operations()[0].Path, rec.Code, rec.Body.String())
	// Output:
	// /orders/{orderId} 200 {"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","placed_at":"2026-03-02T10:15:30Z","total":12.5}
}
