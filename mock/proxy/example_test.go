package proxy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
	"github.com/mockapi-go/mockapi/openapi"
)

const exampleSpec = `openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: pets
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  required: [id, name]
                  properties:
                    id: {type: integer}
                    name: {type: string}
              example: [{id: 1, name: Mock}]
  /owners:
    get:
      operationId: listOwners
      responses:
        "200":
          description: owners
          content:
            application/json:
              schema: {type: array, items: {type: string}}
              example: [Mock Owner]
`

// realAPI implements /pets, answers /owners off the contract, and nothing
// else yet (501).
func realAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/pets":
			_, _ = io.WriteString(w, `[{"id":7,"name":"Real Rex"}]`)
		case "/owners":
			_, _ = io.WriteString(w, `[{"name":"Ann"}]`)
		default:
			w.WriteHeader(http.StatusNotImplemented)
		}
	}))
}

func get(h http.Handler, path string) string {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return fmt.Sprint(w.Code, " ", strings.TrimSpace(w.Body.String()))
}

// Partial mocking: what the real API implements is forwarded, the rest is
// mocked.
func Example() {
	api := realAPI()
	defer api.Close()
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	// AllowPrivate: the test's API listens on 127.0.0.1.
	p, err := proxy.New(api.URL, proxy.Options{AllowPrivate: true, Operations: []string{"listPets"}})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	h, err := mock.New(doc, mock.WithUpstream(p))
	if err != nil {
		panic(err)
	}
	fmt.Println(get(h, "/pets"))
	fmt.Println(get(h, "/owners"))
	// Output:
	// 200 [{"id":7,"name":"Real Rex"}]
	// 200 ["Mock Owner"]
}

// The mock answers when the upstream cannot: here it is gone.
func ExampleNew() {
	api := realAPI()
	api.Close()
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	p, err := proxy.New(api.URL, proxy.Options{AllowPrivate: true, FallbackOn: []string{"404", "5xx"}})
	if err != nil {
		panic(err)
	}
	defer p.Close()
	h, _ := mock.New(doc, mock.WithUpstream(p))
	fmt.Println(get(h, "/pets"))
	fmt.Println(p.Stats().Fallbacks)
	// Output:
	// 200 [{"id":1,"name":"Mock"}]
	// 1
}

// An answer that breaks the description is drift: counted, located, and
// with Strict refused.
func ExampleProxy_Drift() {
	api := realAPI()
	defer api.Close()
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	p, _ := proxy.New(api.URL, proxy.Options{AllowPrivate: true, Strict: true})
	defer p.Close()
	h, _ := mock.New(doc, mock.WithUpstream(p))
	fmt.Println(get(h, "/owners")[:3])
	for _, d := range p.Drift() {
		fmt.Println(d.Operation, d.Status, d.Pointer, d.Message, d.Count)
	}
	fmt.Printf("%+v\n", p.Stats())
	// Output:
	// 502
	// listOwners 200 /0 value must be a string 1
	// {Forwarded:0 Fallbacks:0 Drifted:1 Refused:1}
}

// A layer above the mock learns who answered each request.
func ExampleContextWithReport() {
	api := realAPI()
	defer api.Close()
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	p, _ := proxy.New(api.URL, proxy.Options{AllowPrivate: true})
	defer p.Close()
	h, _ := mock.New(doc, mock.WithUpstream(p))
	for _, path := range []string{"/pets", "/owners"} {
		rep := &proxy.Report{}
		r := httptest.NewRequest("GET", path, nil)
		h.ServeHTTP(httptest.NewRecorder(), r.WithContext(proxy.ContextWithReport(r.Context(), rep)))
		fmt.Printf("%s: %s drift=%q\n", path, rep.Source, rep.DriftText())
	}
	// Output:
	// /pets: upstream drift=""
	// /owners: upstream drift="body /0: value must be a string (at paths./owners.get.responses.200.content.application/json.schema)"
}

// Record real answers, then serve them without the real API.
func ExampleRecorder() {
	api := realAPI()
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	rec := proxy.NewRecorder(proxy.RecordOptions{})
	p, _ := proxy.New(api.URL, proxy.Options{AllowPrivate: true, Recorder: rec})
	h, _ := mock.New(doc, mock.WithUpstream(p))
	get(h, "/pets")
	get(h, "/pets") // the same shape: one example
	get(h, "/owners")
	p.Close()
	api.Close()
	fmt.Println(rec.Examples(), "example,", len(rec.Rejected()), "rejected:", rec.Rejected()[0].Operation)

	overlay, _ := rec.Overlay() // what mockserver -record saves
	spec, _, err := proxy.Apply(doc, overlay)
	if err != nil {
		panic(err)
	}
	replayed, _ := openapi.Parse(context.Background(), spec)
	h, _ = mock.New(replayed)
	fmt.Println(get(h, "/pets"))
	fmt.Println(get(h, "/owners"))
	// Output:
	// 1 example, 1 rejected: listOwners
	// 200 [{"id":7,"name":"Real Rex"}]
	// 200 ["Mock Owner"]
}

// The recording as HAR 1.2, credentials scrubbed.
func ExampleRecorder_HAR() {
	api := realAPI()
	defer api.Close()
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	rec := proxy.NewRecorder(proxy.RecordOptions{Operations: []string{"listPets"}})
	p, _ := proxy.New(api.URL, proxy.Options{AllowPrivate: true, Recorder: rec})
	defer p.Close()
	h, _ := mock.New(doc, mock.WithUpstream(p))
	r := httptest.NewRequest("GET", "/pets?access_token=s3cret", nil)
	r.Header.Set("Authorization", "Bearer s3cret")
	h.ServeHTTP(httptest.NewRecorder(), r)

	b, _ := rec.HAR()
	var har struct {
		Log struct {
			Version string
			Entries []struct {
				Request struct {
					URL     string
					Headers []struct{ Name, Value string }
				}
				Response struct{ Status int }
			}
		}
	}
	_ = json.Unmarshal(b, &har)
	e := har.Log.Entries[0]
	fmt.Println(har.Log.Version, len(har.Log.Entries), e.Response.Status)
	fmt.Println(strings.TrimPrefix(e.Request.URL, api.URL))
	for _, h := range e.Request.Headers {
		if h.Name == "Authorization" {
			fmt.Println(h.Name, h.Value)
		}
	}
	fmt.Println(strings.Contains(string(b), "s3cret"))
	// Output:
	// 1.2 1 200
	// /pets?access_token=REDACTED
	// Authorization REDACTED
	// false
}

func ExampleSecret() {
	for _, name := range []string{"password", "X-API-Key", "refresh_token", "name", "author"} {
		fmt.Println(name, proxy.Secret(name))
	}
	// Output:
	// password true
	// X-API-Key true
	// refresh_token true
	// name false
	// author false
}

func ExampleApply() {
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	overlay := `{"overlay": "1.0.0", "info": {"title": "by hand", "version": "1"}, "actions": [
	  {"target": "$.paths['/owners'].get.responses['200'].content['application/json']",
	   "update": {"examples": {"recorded-1": {"value": ["Ann"], "x-mockapi-recorded": true}}}},
	  {"target": "$.paths['/gone'].get.responses['200'].content['application/json']",
	   "update": {"examples": {"recorded-1": {"value": 1}}}}]}`
	spec, warnings, err := proxy.Apply(doc, []byte(overlay))
	if err != nil {
		panic(err)
	}
	fmt.Println(len(warnings), warnings[0].Message)
	replayed, _ := openapi.Parse(context.Background(), spec)
	h, _ := mock.New(replayed)
	fmt.Println(get(h, "/owners"))
	// Output:
	// 1 recorded examples not applied: the description has no path /gone
	// 200 ["Ann"]
}

// A recording saved to a file continues after a restart: Load reads it
// back, and what it holds is not recorded twice.
func ExampleRecorder_Load() {
	api := realAPI()
	defer api.Close()
	doc, _ := openapi.Parse(context.Background(), []byte(exampleSpec))
	dir, _ := os.MkdirTemp("", "recording")
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "recording.json")

	for run := 1; run <= 2; run++ {
		rec := proxy.NewRecorder(proxy.RecordOptions{})
		if saved, err := os.ReadFile(file); err == nil {
			if err := rec.Load(saved); err != nil {
				panic(err)
			}
		}
		p, _ := proxy.New(api.URL, proxy.Options{AllowPrivate: true, Recorder: rec})
		h, _ := mock.New(doc, mock.WithUpstream(p))
		get(h, "/pets")
		fmt.Printf("run %d: %d example, %d change\n", run, rec.Examples(), rec.Changes())
		if err := rec.WriteFile(file); err != nil {
			panic(err)
		}
		p.Close()
	}
	// Output:
	// run 1: 1 example, 1 change
	// run 2: 1 example, 1 change
}

// ReportFrom is how a layer between the mock and its Upstream, or the
// Upstream itself, finds the report the request carries.
func ExampleReportFrom() {
	ctx := proxy.ContextWithReport(context.Background(), &proxy.Report{Source: proxy.SourceFallback, Reason: "timeout"})
	rep := proxy.ReportFrom(ctx)
	fmt.Println(rep.Source, rep.Reason)
	fmt.Println(proxy.ReportFrom(context.Background()) == nil)
	// Output:
	// fallback timeout
	// true
}
