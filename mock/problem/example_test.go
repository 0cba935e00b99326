package problem_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

const spec = `
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: A pet.}
`

// A client tells refusals apart by their code, compared with the typed
// constants, and finds each violation by its location.
func Example() {
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	if err != nil {
		panic(err)
	}
	h, err := mock.New(doc)
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/pets/rex", nil))

	var p struct {
		Code   problem.Code `json:"code"`
		Errors []struct {
			In   problem.Location `json:"in"`
			Name string           `json:"name"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		panic(err)
	}
	fmt.Println(rec.Code, rec.Header().Get("Content-Type") == problem.ContentType)
	fmt.Println(p.Code == problem.CodeValidation)
	for _, e := range p.Errors {
		fmt.Println(e.In == problem.InPath, e.Name)
	}
	// Output:
	// 400 true
	// true
	// true id
}
