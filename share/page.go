package share

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/fake"
	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// maxExample caps the bytes of an example response on the page.
const maxExample = 4 << 10

// pageModel is what the project page shows, prepared once per project
// version; only the share URL differs between requests.
type pageModel struct {
	Title, Version, Description string
	Ops                         []pageOp
}

type pageOp struct {
	ID, Method, Path, Summary, Description string
	Deprecated                             bool
	Params                                 []pageParam
	// Example is the response the mock gives, pretty-printed and capped.
	ExampleStatus int
	ExampleType   string
	Example       string
	// target is the path and query a ready-to-run request uses; body is a
	// JSON request body ("" for none).
	target, bodyType, body string
}

type pageParam struct {
	Name, In, Type, Description string
	Required                    bool
}

// buildPage prepares the page of doc's visible operations. Example
// responses come from a private, stateless mock of the document (no
// validation, no security check, a fixed seed), called in-process once per
// operation, so the page shows what the mock answers without touching any
// visitor's or the owner's data.
func buildPage(doc *openapi.Document, hidden func(*openapi.Operation) bool) *pageModel {
	pm := &pageModel{}
	info := doc.Info()
	pm.Title, pm.Version, pm.Description = info.Title, info.Version, info.Description
	preview, err := mock.New(doc, mock.WithoutValidation(), mock.WithoutSecurity(), mock.WithoutCORS(), mock.WithSeed(1))
	if err != nil {
		preview = nil
	}
	gen := fake.New(fake.Options{Mode: fake.Request, MaxDepth: 3})
	seeded := seededParams(preview)
	for _, op := range doc.Operations() {
		if hidden(op) {
			continue
		}
		f := gofakeit.New(1)
		po := pageOp{
			ID: op.ID, Method: op.Method, Summary: op.Summary(),
			Description: op.Description(), Deprecated: op.Deprecated(),
		}
		base := ""
		if len(op.BasePaths) > 0 {
			base = op.BasePaths[0]
		}
		po.Path = base + op.Path
		pathValues := map[string]string{}
		query := url.Values{}
		for _, c := range op.Conditions {
			query.Set(c.Name, c.Value)
		}
		for _, pr := range oas.Parameters(doc.Kin().Paths.Value(op.Key), op.Kin()) {
			if pr == nil || pr.Value == nil {
				continue
			}
			p := pr.Value
			po.Params = append(po.Params, pageParam{Name: p.Name, In: p.In, Type: schemaType(p.Schema), Description: p.Description, Required: p.Required})
			if p.In != openapi3.ParameterInPath && !(p.In == openapi3.ParameterInQuery && p.Required) {
				continue
			}
			v := paramValue(gen, f, p)
			if p.In == openapi3.ParameterInPath && seeded[op.ID][p.Name] && seedsCount(p.Schema) {
				// An id of a stateful collection: the first seeded record,
				// so the copied command finds something instead of a 404.
				v = "1"
			}
			if p.In == openapi3.ParameterInPath {
				pathValues[p.Name] = v
			} else {
				query.Set(p.Name, v)
			}
		}
		target := base + fillPath(op.Path, pathValues)
		if len(query) > 0 {
			target += "?" + query.Encode()
		}
		po.target = target
		if rb := op.Kin().RequestBody; rb != nil && rb.Value != nil {
			po.bodyType, po.body = requestBody(gen, f, rb.Value)
		}
		if preview != nil {
			po.ExampleStatus, po.ExampleType, po.Example = exampleResponse(preview, op.Method, target, po.bodyType, po.body)
		}
		pm.Ops = append(pm.Ops, po)
	}
	return pm
}

// seededParams names, per operation id, the path parameters that hold ids
// of a stateful collection's records (its own and its parents').
func seededParams(h *mock.Handler) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	if h == nil {
		return out
	}
	for _, res := range h.Resources() {
		names := map[string]bool{}
		for _, tmpl := range []string{res.Collection, res.Item} {
			for rest := tmpl; ; {
				i := strings.IndexByte(rest, '{')
				j := strings.IndexByte(rest[i+1:], '}')
				if i < 0 || j < 0 {
					break
				}
				names[rest[i+1:i+1+j]] = true
				rest = rest[i+2+j:]
			}
		}
		for id := range res.Operations {
			out[id] = names
		}
	}
	return out
}

// seedsCount reports whether a stateful collection whose ids have this
// schema seeds its records as 1, 2, 3...: integer ids, and strings with
// no format, pattern, enum or length of their own.
func seedsCount(ref *openapi3.SchemaRef) bool {
	if ref == nil || ref.Value == nil {
		return true
	}
	s := ref.Value
	switch {
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		return true
	case s.Type == nil || s.Type.Is(openapi3.TypeString):
		return s.Format == "" && s.Pattern == "" && len(s.Enum) == 0 && s.MinLength <= 1 && s.MaxLength == nil
	}
	return false
}

// schemaType is a short type label: "integer", "string (uuid)", "array".
func schemaType(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil || ref.Value.Type == nil {
		return ""
	}
	t := strings.Join(ref.Value.Type.Slice(), " | ")
	if ref.Value.Format != "" {
		t += " (" + ref.Value.Format + ")"
	}
	return t
}

// paramValue is a value for a parameter: its example, else a generated one.
func paramValue(gen *fake.Generator, f *gofakeit.Faker, p *openapi3.Parameter) string {
	v := p.Example
	if v == nil {
		for _, name := range sortedKeys(p.Examples) {
			if ex := p.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
				v = ex.Value.Value
				break
			}
		}
	}
	if v == nil && p.Schema != nil && p.Schema.Value != nil {
		v, _ = gen.Value(f, p.Schema.Value, p.Name)
	}
	switch x := v.(type) {
	case nil:
		return "1"
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ",")
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "1"
		}
		return strings.Trim(string(b), `"`)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// fillPath puts values into a path template's {name} placeholders.
func fillPath(tmpl string, values map[string]string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		j := strings.IndexByte(tmpl[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		name := tmpl[i+1 : i+1+j]
		v, ok := values[name]
		if !ok {
			v = "1"
		}
		b.WriteString(url.PathEscape(v))
		tmpl = tmpl[i+j+2:]
	}
}

// requestBody returns a JSON media type of the body and a value for it (its
// example, else a generated one), or nothing when the body is not JSON.
func requestBody(gen *fake.Generator, f *gofakeit.Faker, rb *openapi3.RequestBody) (mediaType, body string) {
	for _, mt := range sortedKeys(rb.Content) {
		m := rb.Content[mt]
		if m == nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			continue
		}
		v := m.Example
		if v == nil {
			for _, name := range sortedKeys(m.Examples) {
				if ex := m.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
					v = ex.Value.Value
					break
				}
			}
		}
		if v == nil && m.Schema != nil && m.Schema.Value != nil {
			v, _ = gen.Value(f, m.Schema.Value, "")
		}
		if v == nil {
			v = map[string]any{}
		}
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		return mt, string(b)
	}
	return "", ""
}

// exampleResponse calls the preview mock in-process.
func exampleResponse(h http.Handler, method, target, bodyType, body string) (int, string, string) {
	req, err := http.NewRequestWithContext(context.Background(), method, target, strings.NewReader(body))
	if err != nil {
		return 0, "", ""
	}
	req.Header.Set("Accept", "application/json, */*;q=0.5")
	if bodyType != "" {
		req.Header.Set("Content-Type", bodyType)
	}
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	ct := rec.header.Get("Content-Type")
	out := rec.body.Bytes()
	var pretty bytes.Buffer
	if json.Valid(out) && json.Indent(&pretty, out, "", "  ") == nil {
		out = pretty.Bytes()
	}
	s := string(out)
	if len(s) > maxExample {
		s = strings.ToValidUTF8(s[:maxExample], "") + "\n…"
	}
	return rec.status, ct, s
}

// recorder is the smallest http.ResponseWriter that keeps what it is given.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len() > maxExample*2 {
		return len(b), nil
	}
	return r.body.Write(b)
}

// pageView is one rendering of the page.
type pageView struct {
	*pageModel
	Name          string
	ShareURL      string
	OpenAPIURL    string
	TokenRequired bool
	Curls         []string
}

// curl is a ready-to-copy command for op, quoted for a POSIX shell.
func curl(op *pageOp, shareURL string, tokenRequired bool) string {
	var b strings.Builder
	b.WriteString("curl")
	if op.Method != http.MethodGet {
		b.WriteString(" -X " + op.Method)
	}
	b.WriteString(" " + shellQuote(strings.TrimSuffix(shareURL, "/")+op.target))
	if tokenRequired {
		b.WriteString(" \\\n  -H " + shellQuote("X-API-Key: <API_KEY>"))
	}
	if op.body != "" {
		b.WriteString(" \\\n  -H " + shellQuote("Content-Type: "+op.bodyType))
		b.WriteString(" \\\n  -d " + shellQuote(op.body))
	}
	return b.String()
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"lower": strings.ToLower,
	"curl":  func(v *pageView, i int) string { return v.Curls[i] },
}).Parse(pageHTML))

const pageHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Name}} · shared mock API</title>
<style>
:root{color-scheme:light dark;--fg:#1d2430;--muted:#5b6575;--bg:#fff;--card:#f6f8fa;--line:#d8dee4}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa6b2;--bg:#0d1117;--card:#161b22;--line:#30363d}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.1rem;margin:0;display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.muted{color:var(--muted)}
.base{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;overflow-wrap:anywhere}
section.op{border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}
.method{font:600 .8rem ui-monospace,monospace;padding:.15rem .45rem;border-radius:4px;color:#fff;background:#57606a}
.get{background:#1f6feb}.post{background:#1a7f37}.put,.patch{background:#9a6700}.delete{background:#cf222e}
code,pre{font:.85rem/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
.path{overflow-wrap:anywhere}
pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.75rem;overflow-x:auto;margin:.25rem 0 .75rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.25rem 0 .75rem;display:block;overflow-x:auto}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
h3{font-size:.95rem;margin:.75rem 0 .25rem;overflow-wrap:anywhere}
.req{color:#cf222e}
</style>
</head>
<body>
<main>
<header>
<h1>{{.Name}}</h1>
{{if .Title}}<p class="muted">{{.Title}}{{if .Version}} · version {{.Version}}{{end}}</p>{{end}}
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p>Base URL:</p>
<p class="base"><code>{{.ShareURL}}</code></p>
{{if .TokenRequired}}<p>This link requires an API key: send it as <code>X-API-Key: &lt;API_KEY&gt;</code> or <code>Authorization: Bearer &lt;API_KEY&gt;</code>.</p>{{end}}
<p class="muted">{{len .Ops}} operations · <a href="{{.OpenAPIURL}}">OpenAPI description (JSON)</a></p>
</header>
{{range $i, $op := .Ops}}
<section class="op" id="op-{{$op.ID}}" data-operation="{{$op.ID}}">
<h2><span class="method {{lower $op.Method}}">{{$op.Method}}</span> <code class="path">{{$op.Path}}</code>{{if $op.Deprecated}} <span class="muted">(deprecated)</span>{{end}}</h2>
{{if $op.Summary}}<p>{{$op.Summary}}</p>{{end}}
{{if $op.Description}}<p class="muted">{{$op.Description}}</p>{{end}}
{{if $op.Params}}<h3>Parameters</h3>
<table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>
{{range $op.Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} <span class="req" title="required">*</span>{{end}}</td><td>{{.In}}</td><td>{{.Type}}</td><td>{{.Description}}</td></tr>
{{end}}</tbody></table>{{end}}
<h3>Try it</h3>
<pre class="curl">{{curl $ $i}}</pre>
{{if $op.ExampleStatus}}<h3>Example response <span class="muted">{{$op.ExampleStatus}}{{if $op.ExampleType}} · {{$op.ExampleType}}{{end}}</span></h3>
{{if $op.Example}}<pre class="example">{{$op.Example}}</pre>{{else}}<p class="muted">No body.</p>{{end}}{{end}}
</section>
{{else}}
<p>This link shares no operations.</p>
{{end}}
</main>
</body>
</html>
`
