package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/fake"
	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/openapi"
)

// specClient builds, from the description alone, a valid request for an
// operation: what a black-box client of the mock does.
type specClient struct {
	doc *openapi.Document
	gen *fake.Generator
	f   *gofakeit.Faker
}

func newSpecClient(doc *openapi.Document, seed int64) *specClient {
	return &specClient{doc: doc, gen: fake.New(fake.Options{Mode: fake.Request, MaxDepth: 3}), f: gofakeit.New(seed)}
}

func (c *specClient) value(s *openapi3.SchemaRef, name string) (any, bool) {
	if s == nil || s.Value == nil {
		return "x1", true
	}
	v, err := c.gen.Value(c.f, s.Value, name)
	return v, err == nil
}

// request returns a request for op, or ok=false when the description asks
// for something this client cannot build (a multipart body, say).
func (c *specClient) request(op *openapi.Operation) (*http.Request, bool) {
	// The base path is held decoded ("/api-v2/?source=..." from a server
	// URL that writes %3F): a client sends it escaped, as the URL has it.
	path := (&url.URL{Path: op.BasePaths[0]}).EscapedPath()
	q := url.Values{}
	for _, cond := range op.Conditions {
		if cond.Value != "" {
			q.Add(cond.Name, cond.Value)
		}
	}
	hdr := http.Header{}
	var cookies []*http.Cookie
	params := map[string]string{}
	for _, pr := range oas.Parameters(c.doc.Kin().Paths.Value(op.Key), op.Kin()) {
		if pr == nil || pr.Value == nil {
			continue
		}
		p := pr.Value
		if !p.Required && p.In != "path" {
			continue
		}
		if p.Schema == nil && p.Content != nil {
			return nil, false // content-encoded parameters
		}
		v, ok := c.value(p.Schema, p.Name)
		if !ok {
			return nil, false
		}
		if a, isArr := v.([]any); isArr && len(a) == 0 && p.Schema.Value.MaxItems == nil {
			// An empty array cannot be serialised in a query or a header:
			// a required one gets an item.
			one := *p.Schema.Value
			one.MinItems = 1
			if v, ok = c.value(&openapi3.SchemaRef{Value: &one}, p.Name); !ok {
				return nil, false
			}
		}
		switch p.In {
		case "path":
			params[p.Name] = pathStyle(p, v)
		case "query":
			switch t := v.(type) {
			case []any:
				if len(t) > 0 {
					if _, isObj := t[0].(map[string]any); isObj {
						return nil, false // no standard serialisation of objects in a query array
					}
				}
				if p.Explode != nil && !*p.Explode {
					q.Set(p.Name, simpleStyle(v))
				} else {
					for _, e := range t {
						q.Add(p.Name, scalarString(e))
					}
				}
			case map[string]any:
				if p.Style == "deepObject" {
					for k, e := range t {
						q.Set(p.Name+"["+k+"]", scalarString(e))
					}
				} else if p.Explode == nil || *p.Explode {
					for k, e := range t {
						q.Set(k, scalarString(e))
					}
				} else {
					q.Set(p.Name, simpleStyle(v))
				}
			default:
				q.Set(p.Name, scalarString(v))
			}
		case "header":
			hdr.Set(p.Name, styled("", ",", ",", p.Explode != nil && *p.Explode, v, func(s string) string { return s }))
		case "cookie":
			cookies = append(cookies, &http.Cookie{Name: p.Name, Value: url.QueryEscape(simpleStyle(v))})
		}
	}
	for _, cond := range op.Conditions {
		// A condition that only asks for the parameter ("#tagKeys") is met
		// by the parameter's own value; an empty one would be invalid.
		if cond.Value == "" && !q.Has(cond.Name) && hdr.Get(cond.Name) == "" {
			q.Add(cond.Name, "x1")
		}
	}
	tmpl := op.Path
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl, '}')
		if i < 0 || j < i {
			path += tmpl
			break
		}
		name := strings.TrimSuffix(strings.TrimLeft(tmpl[i+1:j], "+#./;?&"), "*")
		v := params[name]
		if v == "" {
			v = "x1"
		}
		path += tmpl[:i] + v
		tmpl = tmpl[j+1:]
	}
	var body []byte
	if ref := op.Kin().RequestBody; ref != nil && ref.Value != nil && len(ref.Value.Content) > 0 {
		rb := ref.Value
		ct, mt := pickRequestMedia(rb.Content)
		if mt == nil {
			if rb.Required {
				return nil, false
			}
		} else {
			v, ok := c.value(mt.Schema, "")
			if !ok {
				return nil, false
			}
			switch {
			case isJSON(ct):
				body, _ = json.Marshal(v)
			case ct == "application/x-www-form-urlencoded":
				m, isMap := v.(map[string]any)
				if !isMap {
					return nil, false
				}
				form := url.Values{}
				for k, e := range m {
					if enc := mt.Encoding[k]; enc != nil && enc.Style == "deepObject" {
						deepObjectFields(form, k, e) // Stripe: address[country]=FR, enabled_events[0]=charge.failed
						continue
					}
					if arr, isArr := e.([]any); isArr {
						for _, item := range arr { // form style, exploded
							form.Add(k, scalarString(item))
						}
						continue
					}
					form.Set(k, scalarString(e))
				}
				body = []byte(form.Encode())
			case strings.HasPrefix(ct, "text/"):
				body = []byte(scalarString(v))
			default:
				return nil, false
			}
			hdr.Set("Content-Type", ct)
		}
	}
	target := path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequest(op.Method, "http://mock"+target, bytes.NewReader(body))
	if err != nil {
		return nil, false // a path the client cannot express as a URL
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	c.credentials(op, req)
	return req, true
}

// credentials satisfies the first alternative of the security requirement.
func (c *specClient) credentials(op *openapi.Operation, req *http.Request) {
	security := oas.Security(c.doc.Kin(), op.Kin())
	if len(security) == 0 || c.doc.Kin().Components == nil {
		return
	}
	for name := range security[0] {
		ref := c.doc.Kin().Components.SecuritySchemes[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		s := ref.Value
		switch strings.ToLower(s.Type) {
		case "apikey":
			switch strings.ToLower(s.In) {
			case "header":
				req.Header.Set(s.Name, "key-1")
			case "query":
				q := req.URL.Query()
				q.Set(s.Name, "key-1")
				req.URL.RawQuery = q.Encode()
			case "cookie":
				req.AddCookie(&http.Cookie{Name: s.Name, Value: "key-1"})
			}
		case "http":
			if strings.EqualFold(s.Scheme, "basic") {
				req.Header.Set("Authorization", "Basic dTpw")
			} else {
				req.Header.Set("Authorization", s.Scheme+" token-1")
			}
		case "oauth2", "openidconnect":
			req.Header.Set("Authorization", "Bearer token-1")
		}
	}
}

func pickRequestMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, pass := range []func(string) bool{isJSON, func(t string) bool { return t == "application/x-www-form-urlencoded" },
		func(t string) bool { return strings.HasPrefix(t, "text/") }} {
		for _, k := range keys {
			if pass(strings.ToLower(k)) && content[k] != nil {
				return strings.ToLower(k), content[k]
			}
		}
	}
	return "", nil
}

// deepObjectFields adds v to form in deepObject style: prefix[key]=value,
// nested objects and arrays (by index) in further brackets.
func deepObjectFields(form url.Values, prefix string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			deepObjectFields(form, prefix+"["+k+"]", e)
		}
	case []any:
		for i, e := range t {
			deepObjectFields(form, prefix+"["+strconv.Itoa(i)+"]", e)
		}
	default:
		form.Add(prefix, scalarString(v))
	}
}

// pathStyle serialises a path parameter in its style (simple unless the
// parameter says label or matrix) and explode, as RFC 6570 expands it:
// each value escaped, the delimiters literal.
func pathStyle(p *openapi3.Parameter, v any) string {
	explode := p.Explode != nil && *p.Explode
	switch p.Style {
	case "label":
		return styled(".", ",", ".", explode, v, url.PathEscape)
	case "matrix":
		if _, isObj := v.(map[string]any); isObj && explode {
			return styled(";", ",", ";", true, v, url.PathEscape)
		}
		return styled(";"+p.Name+"=", ",", ";"+p.Name+"=", explode, v, url.PathEscape)
	}
	return styled("", ",", ",", explode, v, url.PathEscape)
}

// styled writes v after prefix: an array's items joined with sep, or with
// xsep when exploded; an object's members as name,value pairs joined with
// sep, or as name=value pairs joined with xsep when exploded. esc escapes
// each name and value.
func styled(prefix, sep, xsep string, explode bool, v any, esc func(string) string) string {
	var parts []string
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			parts = append(parts, esc(scalarString(e)))
		}
	case map[string]any:
		for _, k := range sortedMapKeys(t) {
			if explode {
				parts = append(parts, esc(k)+"="+esc(scalarString(t[k])))
			} else {
				parts = append(parts, esc(k), esc(scalarString(t[k])))
			}
		}
	default:
		return prefix + esc(scalarString(v))
	}
	if explode {
		return prefix + strings.Join(parts, xsep)
	}
	return prefix + strings.Join(parts, sep)
}

func simpleStyle(v any) string {
	switch t := v.(type) {
	case []any:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			parts = append(parts, scalarString(e))
		}
		return strings.Join(parts, ",")
	case map[string]any:
		parts := make([]string, 0, 2*len(t))
		for _, k := range sortedMapKeys(t) {
			parts = append(parts, k, scalarString(t[k]))
		}
		return strings.Join(parts, ",")
	}
	return scalarString(v)
}

// TestDirectoryClient runs a black-box client over a directory of real API
// descriptions ($MOCKAPI_CORPUS_DIR, see scripts/fetch-corpus.sh): for
// every operation it builds a valid request from the description, sends it
// to the mock with validation and security on, and validates the answer.
// $MOCKAPI_CORPUS_LIMIT bounds the number of files; $MOCKAPI_CORPUS_SAMPLE=n
// (or -short, n=25) keeps every n-th file, $MOCKAPI_CORPUS_SHARD=i picks
// which of the n (0 by default), so a subset can be iterated on and rerun
// identically; $MOCKAPI_CORPUS_MAXSIZE lifts the 8 MB skip (in MB), and
// $MOCKAPI_CORPUS_FAILURES names a file that receives one JSON line per
// failed operation, for classifying failures. $MOCKAPI_CORPUS_SEED=n seeds
// the mock with n and the client with n-6 (11 and 5 by default), to look
// past one seed's draws.
func TestDirectoryClient(t *testing.T) {
	dir := os.Getenv("MOCKAPI_CORPUS_DIR")
	if dir == "" {
		t.Skip("MOCKAPI_CORPUS_DIR not set")
	}
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".yaml")) {
			files = append(files, p)
		}
		return err
	}))
	sort.Strings(files)
	if n := os.Getenv("MOCKAPI_CORPUS_LIMIT"); n != "" {
		var limit int
		fmt.Sscan(n, &limit)
		if limit > 0 && limit < len(files) {
			files = files[:limit]
		}
	}
	sample, shard := envInt("MOCKAPI_CORPUS_SAMPLE", 1), envInt("MOCKAPI_CORPUS_SHARD", 0)
	if testing.Short() && os.Getenv("MOCKAPI_CORPUS_SAMPLE") == "" {
		sample = 25
	}
	if sample > 1 {
		var kept []string
		for i, f := range files {
			if i%sample == shard%sample {
				kept = append(kept, f)
			}
		}
		files = kept
	}
	maxSize := int64(envInt("MOCKAPI_CORPUS_MAXSIZE", 8)) << 20
	seed := int64(envInt("MOCKAPI_CORPUS_SEED", 11))
	var failures *json.Encoder
	if p := os.Getenv("MOCKAPI_CORPUS_FAILURES"); p != "" {
		out, err := os.Create(p)
		require.NoError(t, err)
		t.Cleanup(func() { out.Close() })
		failures = json.NewEncoder(out)
	}
	var mu sync.Mutex
	stats := map[string]int{}
	count := func(k string) { mu.Lock(); stats[k]++; mu.Unlock() }
	fail := func(file string, op *openapi.Operation, code int, msg string) {
		if failures == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		failures.Encode(map[string]any{"file": file, "op": op.Method + " " + op.Path, "status": code, "error": truncate(msg, 2000)})
	}
	sem := make(chan struct{}, 2)
	for _, file := range files {
		t.Run(strings.TrimPrefix(file, dir), func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			info, err := os.Stat(file)
			if err != nil || info.Size() > maxSize {
				count("skipped: too large")
				return
			}
			doc, err := openapi.LoadFile(context.Background(), file)
			if err != nil {
				count("load error")
				fail(file, &openapi.Operation{}, 0, "load: "+err.Error())
				return
			}
			h, err := New(doc, WithSeed(seed))
			require.NoError(t, err)
			client := newSpecClient(doc, seed-6)
			for _, op := range doc.Operations() {
				req, ok := client.request(op)
				if !ok {
					count("request not buildable")
					continue
				}
				count("attempted")
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("%s %s took %v", op.Method, req.URL, d)
				}
				switch {
				case (rec.Code == 400 || rec.Code == 415 || rec.Code == 422 || rec.Code == 401) && answersSuccess(op):
					count(fmt.Sprintf("rejected %d", rec.Code))
					fail(file, op, rec.Code, "rejected: "+rec.Body.String())
					t.Errorf("%s %s: a request built from the description was rejected: %d %s",
						op.Method, req.URL, rec.Code, truncate(rec.Body.String(), 400))
					continue
				case rec.Code >= 500 && rec.Header().Get("Content-Type") == "application/problem+json":
					count("mock failure")
					fail(file, op, rec.Code, "mock failure: "+rec.Body.String())
					t.Errorf("%s %s: %d %s", op.Method, req.URL, rec.Code, truncate(rec.Body.String(), 400))
					continue
				}
				vreq, err := http.NewRequest(op.Method, req.URL.String(), nil)
				require.NoError(t, err)
				err, checked := responseError(t, doc, op, vreq, rec)
				switch {
				case err != nil:
					count("invalid")
					fail(file, op, rec.Code, err.Error())
					t.Errorf("%s %s -> %d %s: %v\n%s", op.Method, req.URL, rec.Code, rec.Header().Get("Content-Type"), err, truncate(rec.Body.String(), 600))
				case checked:
					count("validated")
				default:
					count("undecodable media type")
				}
			}
		})
	}
	t.Cleanup(func() { t.Logf("client run over %d files: %v", len(files), stats) })
}

// answersSuccess reports whether op declares a 2XX or default response:
// an operation that declares only errors is answered with one of them.
func answersSuccess(op *openapi.Operation) bool {
	for key := range oas.Responses(op.Kin()).Map() {
		if strings.HasPrefix(key, "2") || key == "default" {
			return true
		}
	}
	return false
}

// envInt reads a positive integer from the environment, or def.
func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err != nil || n < 0 {
		return def
	}
	return n
}

// The client serialises path parameters as the OpenAPI specification's
// style examples show them, so that the mock is not sent simple style for
// a label or matrix parameter (readme's parameters-style, #15).
func TestPathStyle(t *testing.T) {
	t.Parallel()
	prim, arr := "blue", []any{"blue", "black", "brown"}
	obj := map[string]any{"R": 100.0, "G": 200.0, "B": 150.0}
	for _, tc := range []struct {
		style   string
		explode bool
		v       any
		want    string
	}{
		{"", false, prim, "blue"},
		{"simple", false, arr, "blue,black,brown"},
		{"simple", true, arr, "blue,black,brown"},
		{"simple", false, obj, "B,150,G,200,R,100"},
		{"simple", true, obj, "B=150,G=200,R=100"},
		{"label", false, prim, ".blue"},
		{"label", false, arr, ".blue,black,brown"},
		{"label", true, arr, ".blue.black.brown"},
		{"label", false, obj, ".B,150,G,200,R,100"},
		{"label", true, obj, ".B=150.G=200.R=100"},
		{"matrix", false, prim, ";color=blue"},
		{"matrix", false, arr, ";color=blue,black,brown"},
		{"matrix", true, arr, ";color=blue;color=black;color=brown"},
		{"matrix", false, obj, ";color=B,150,G,200,R,100"},
		{"matrix", true, obj, ";B=150;G=200;R=100"},
		{"simple", false, "a b/c", "a%20b%2Fc"}, // values escaped
	} {
		explode := tc.explode
		p := &openapi3.Parameter{Name: "color", In: "path", Style: tc.style, Explode: &explode}
		assert.Equal(t, tc.want, pathStyle(p, tc.v), "%s explode=%v %v", tc.style, tc.explode, tc.v)
	}
}
