package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/mockapi-go/mockapi/openapi"
)

// FuzzServe sends hostile requests to the handler: arbitrary methods,
// targets, content types, Accept and Prefer headers and bodies. The mock may
// refuse them, it must never fail: no panic (the handler would turn one
// into a 500) and no 500 at all for this spec, whose schemas all admit
// values.
func FuzzServe(f *testing.F) {
	h := newHandler(f, WithSeed(1), WithMaxDelay(0))
	seeds := []struct {
		method, target, ct, accept, prefer string
		body                               []byte
	}{
		{"GET", "/v1/pets", "", "", "", nil},
		{"GET", "/v1/pets?limit=5&__code=404", "", "application/xml", "dynamic=true", nil},
		{"POST", "/v1/pets", "application/json", "*/*", "code=201", []byte(`{"id":1,"name":"a"}`)},
		{"POST", "/v1/pets", "application/json", "", "", []byte(`{"id":[[[[[[[[[[1]]]]]]]]]],"name":{}}`)},
		{"POST", "/v1/pets", "application/x-www-form-urlencoded", "", "", []byte(`id=1&name=%zz`)},
		{"POST", "/v1/pets", "multipart/form-data; boundary=x", "", "", []byte("--x\r\n\r\n--x--")},
		{"GET", "/v1/pets/9?api_key=k", "", "text/html;q=abc, */*;q=0.1", "example=nope", nil},
		{"DELETE", "/v1/pets/%00", "", "", "code=abc, delay=-1", nil},
		{"OPTIONS", "/v1/pets", "", "", "", nil},
		{"HEAD", "/v1/health", "", "application/octet-stream", "", nil},
		{"PATCH", "/v1/pets/1/../../etc", "", "", "", nil},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.ct, s.accept, s.prefer, s.body)
	}
	f.Fuzz(func(t *testing.T, method, target, ct, accept, prefer string, body []byte) {
		req, err := http.NewRequest(method, "http://mock"+target, bytes.NewReader(body))
		if err != nil {
			return
		}
		for k, v := range map[string]string{"Content-Type": ct, "Accept": accept, "Prefer": prefer, "X-API-Key": "k"} {
			if v != "" {
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q -> %d %s", method, target, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("%s %q -> %d without a problem document", method, target, rec.Code)
		}
	})
}

// FuzzSpec builds handlers from arbitrary documents (seeded with the test
// corpus) and sends one request per operation: loading may refuse a
// document, building and serving must never panic.
func FuzzSpec(f *testing.F) {
	for name := range corpusDocs(f) {
		data, err := os.ReadFile("../testdata/" + name)
		if err == nil && len(data) < 32<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(runSpecOnce)
}

// runSpecOnce loads data as a spec and asks each operation once.
func runSpecOnce(t *testing.T, data []byte) {
	doc, err := openapi.Parse(context.Background(), data)
	if err != nil {
		return
	}
	h, err := New(doc, WithSeed(3), WithMaxDelay(0))
	if err != nil {
		t.Fatal(err)
	}
	for i, op := range doc.Operations() {
		if i == 20 {
			break
		}
		req, err := http.NewRequest(op.Method, "http://mock"+pathFor(op), nil)
		if err != nil {
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if strings.Contains(rec.Body.String(), "the mock failed") {
			t.Fatalf("%s %s: %s", op.Method, req.URL, rec.Body.String())
		}
	}
}

// FuzzJSONPatch applies hostile JSON Patches (RFC 6902) to a record: the
// patch may be refused, never panic, and a result is never larger than
// the limit however the operations copy and move (security H2).
func FuzzJSONPatch(f *testing.F) {
	for _, s := range []struct{ doc, patch string }{
		{`{"a":1}`, `[{"op":"add","path":"/b","value":2}]`},
		{`{"a":{"b":[1,2]}}`, `[{"op":"copy","from":"/a","path":"/c"},{"op":"move","from":"/c/b","path":"/d"}]`},
		{`{"x":"aaaaaaaa"}`, `[{"op":"copy","from":"","path":"/y"},{"op":"copy","from":"","path":"/z"},{"op":"copy","from":"","path":"/w"}]`},
		{`{"a":[1]}`, `[{"op":"add","path":"/a/-","value":{"k":[1,2,3]}},{"op":"test","path":"/a/0","value":1},{"op":"remove","path":"/a/0"}]`},
		{`{"~":{"/":1}}`, `[{"op":"replace","path":"/~0/~1","value":null}]`},
		{`{}`, `[{"op":"add","path":"/a/b/c","value":1}]`},
		{`{}`, `not json`},
	} {
		f.Add([]byte(s.doc), []byte(s.patch))
	}
	const limit = 4096
	f.Fuzz(func(t *testing.T, doc, patch []byte) {
		var v any
		if json.Unmarshal(doc, &v) != nil || len(doc) > limit {
			return
		}
		out, err := applyJSONPatch(v, patch, limit)
		if err != nil {
			return
		}
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("a patched document does not encode: %v", err)
		}
		if len(b) > 2*limit {
			t.Fatalf("a patched document of %d bytes passed a limit of %d", len(b), limit)
		}
	})
}
