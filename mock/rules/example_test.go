package rules_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/mock/rules"
)

// A rule matches a request and renders its answer; the mock handler does
// this for every operation with rules (mock.WithRules, x-mock-rules).
func ExampleRule() {
	r := rules.Rule{
		When: []rules.Condition{{In: "header", Name: "X-Plan", Regex: "^pro"}},
		Body: map[string]any{"id": "{{request.path.petId}}", "plan": "{{request.header.X-Plan}}"},
	}
	if err := r.Compile(); err != nil {
		panic(err)
	}
	req := &rules.Request{Path: map[string]any{"petId": int64(7)}, Header: http.Header{"X-Plan": {"pro-annual"}}}
	if r.Matches(req) {
		body, err := r.RenderBody(&rules.Env{Request: req, Rand: rand.New(rand.NewSource(1)), Now: time.Now()})
		if err != nil {
			panic(err)
		}
		fmt.Println(string(body))
	}
	// Output: {"id":7,"plan":"pro-annual"}
}
