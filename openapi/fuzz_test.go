package openapi

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary documents to the loader: it may refuse them, it
// must never panic or hang. The corpus seeds it, so ordinary `go test` runs
// every corpus document through Parse.
func FuzzParse(f *testing.F) {
	for _, file := range corpusFiles(f) {
		data, err := os.ReadFile(file)
		if err != nil || len(data) > 64<<10 {
			continue
		}
		f.Add(data)
	}
	f.Add([]byte(routingSpec))
	f.Add([]byte("openapi: 3.1.0\npaths: {/a: {$ref: '#/components/pathItems/A'}}\ncomponents: {pathItems: {A: {$ref: '#/components/pathItems/A'}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(context.Background(), data)
		if err == nil && doc == nil {
			t.Fatal("nil document without error")
		}
		if err != nil {
			_ = err.Error()
			return
		}
		for _, op := range doc.Operations() {
			if doc.Operation(op.ID) != op {
				t.Fatalf("operation %s is not indexed by its id", op)
			}
		}
	})
}

// FuzzRoute routes arbitrary requests: never a panic, and a match always
// names an operation of the document whose method fits.
func FuzzRoute(f *testing.F) {
	doc, err := Parse(context.Background(), []byte(routingSpec))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"/v1/users/me", "/v1/files/a.b.c", "/v1/ops/x:cancel", "/v1/?Action=RunInstances",
		"/v1/users/%2F/posts/%zz", "//", "/v1/reports/--", "/v1/svc?X-Amz-Target=Svc.Get", "/"} {
		for _, m := range []string{"GET", "POST", "DELETE", "HEAD", "BREW"} {
			f.Add(m, seed)
		}
	}
	f.Fuzz(func(t *testing.T, method, target string) {
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		req := &http.Request{Method: method, URL: u, Header: http.Header{}}
		m, err := doc.Router().Find(req)
		if err != nil {
			return
		}
		if m.Operation == nil {
			t.Fatal("match without operation")
		}
		if m.Operation.Method != method && !(method == http.MethodHead && m.Operation.Method == http.MethodGet) {
			t.Fatalf("%s %s routed to %s", method, target, m.Operation)
		}
	})
}
