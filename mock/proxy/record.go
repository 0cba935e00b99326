package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mockapi-go/mockapi/internal/secret"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// Defaults of RecordOptions.
const (
	DefaultMaxExamples   = 10
	DefaultMaxHAREntries = 1000
)

// RecordOptions configures a Recorder. The zero value records every
// forwarded operation, at most DefaultMaxExamples examples per operation
// and status, and the last DefaultMaxHAREntries exchanges for HAR.
type RecordOptions struct {
	// Operations names the operations recorded, by operationId or
	// "METHOD /path/template". Empty: every operation the proxy forwards.
	Operations []string
	// MaxExamples bounds the distinct examples kept per operation and
	// status. Zero: DefaultMaxExamples.
	MaxExamples int
	// MaxHAREntries bounds the exchanges kept for HAR, the oldest dropped
	// first. Zero: DefaultMaxHAREntries.
	MaxHAREntries int
	// Clock stamps what is recorded. Nil: time.Now.
	Clock func() time.Time
}

// A Recorder keeps the upstream's answers that a Proxy forwards (give it
// in Options.Recorder) as named examples: Overlay writes them as an
// OpenAPI Overlay that Apply merges into the description, so that the mock
// replays real data. It is safe for concurrent use.
//
// Answers are de-duplicated per operation, status and shape (the JSON
// value's structure: member names and types, not values). Credentials
// and cookies never reach an example, and members named like secrets
// (password, token, secret, api_key, authorization, ...) are replaced by
// "REDACTED" in examples and in the HAR export. Only JSON bodies become
// examples. An answer that contradicts the description (drift), or that
// the scrubbing made contradict it, is kept apart: Rejected reports it,
// and Overlay writes it under x-mockapi-rejected, never as an example.
type Recorder struct {
	o    RecordOptions
	only map[string]bool

	mu       sync.Mutex
	examples []recorded
	seen     map[string]bool // operation, status, media type and shape
	perKey   map[string]int  // operation and status: examples kept
	rejected []Rejected
	har      []harEntry
	changes  int64
}

type recorded struct {
	pathKey, method, status, media string
	name                           string
	operation                      string
	value                          any
	at                             time.Time
}

// Rejected is an upstream answer the recorder did not keep as an example
// because it contradicts the description.
type Rejected struct {
	Operation   string
	Status      int
	ContentType string
	Value       json.RawMessage // the answer, scrubbed; nil when not JSON
	Violations  []mock.Violation
}

// violationJSON is how a recording writes a mock.Violation.
type violationJSON struct {
	In      string `json:"in,omitempty"`
	Name    string `json:"name,omitempty"`
	Pointer string `json:"pointer,omitempty"`
	Schema  string `json:"schema,omitempty"`
	Message string `json:"message"`
}

type rejectedJSON struct {
	Operation   string          `json:"operation"`
	Status      int             `json:"status"`
	ContentType string          `json:"contentType"`
	Value       json.RawMessage `json:"value,omitempty"`
	Violations  []violationJSON `json:"violations"`
}

// MarshalJSON writes r with lower-case member names.
func (r Rejected) MarshalJSON() ([]byte, error) {
	out := rejectedJSON{Operation: r.Operation, Status: r.Status, ContentType: r.ContentType, Value: r.Value,
		Violations: make([]violationJSON, 0, len(r.Violations))}
	for _, v := range r.Violations {
		out.Violations = append(out.Violations, violationJSON{string(v.In), v.Name, v.Pointer, v.Schema, v.Message})
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Rejected) UnmarshalJSON(b []byte) error {
	var in rejectedJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*r = Rejected{Operation: in.Operation, Status: in.Status, ContentType: in.ContentType, Value: in.Value}
	for _, v := range in.Violations {
		r.Violations = append(r.Violations, mock.Violation{In: problem.Location(v.In), Name: v.Name, Pointer: v.Pointer, Schema: v.Schema, Message: v.Message})
	}
	return nil
}

// NewRecorder returns an empty Recorder.
func NewRecorder(o RecordOptions) *Recorder {
	if o.MaxExamples <= 0 {
		o.MaxExamples = DefaultMaxExamples
	}
	if o.MaxHAREntries <= 0 {
		o.MaxHAREntries = DefaultMaxHAREntries
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	rec := &Recorder{o: o, seen: map[string]bool{}, perKey: map[string]int{}}
	if len(o.Operations) > 0 {
		rec.only = map[string]bool{}
		for _, name := range o.Operations {
			rec.only[name] = true
		}
	}
	return rec
}

func (rec *Recorder) records(op *openapi.Operation) bool {
	if rec.only == nil {
		return true
	}
	id, route := opName(op)
	return rec.only[id] || rec.only[route]
}

// Changes counts the exchanges recorded since NewRecorder, each one a
// HAR entry whether or not it made an example: a caller that saves the
// recording (mockserver -record) saves it when the count moved.
func (rec *Recorder) Changes() int64 {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.changes
}

// add records one forwarded exchange; vs is how the answer drifted.
func (rec *Recorder) add(h *mock.Handler, op *openapi.Operation, r *http.Request, target string, reqBody []byte, res *result, vs []mock.Violation) {
	vs = slices.Clone(vs) // the Report keeps the caller's
	if !rec.records(op) {
		return
	}
	now := rec.o.Clock()
	entry := harExchange(r, target, reqBody, res, now, h.Document())

	ct := res.header.Get("Content-Type")
	statusKey, mediaKey := declaredKeys(op, res.status, ct)
	var value any
	jsonBody := isJSON(ct) && len(res.body) > 0 && json.Unmarshal(res.body, &value) == nil
	if jsonBody {
		value = scrub(value)
		if len(vs) == 0 {
			// The scrubbing may have broken what the upstream got right.
			b, _ := json.Marshal(value)
			if vs = h.CheckResponse(op, res.status, ct, b); len(vs) > 0 {
				for i := range vs {
					vs[i].Message += " (after secrets were scrubbed)"
				}
			}
		}
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.har = append(rec.har, entry)
	if over := len(rec.har) - rec.o.MaxHAREntries; over > 0 {
		rec.har = slices.Delete(rec.har, 0, over)
	}
	rec.changes++
	if !jsonBody && len(vs) == 0 {
		return // only JSON bodies become examples
	}
	if len(vs) > 0 || statusKey == "" || mediaKey == "" {
		key := rejectedKey(op.ID, res.status, value)
		if rec.seen[key] || len(rec.rejected) >= rec.o.MaxExamples*10 {
			return
		}
		rec.seen[key] = true
		raw, _ := json.Marshal(value)
		if !jsonBody {
			raw = nil
		}
		rec.rejected = append(rec.rejected, Rejected{Operation: op.ID, Status: res.status, ContentType: ct, Value: raw, Violations: vs})
		return
	}
	key := op.ID + "\x00" + statusKey + "\x00" + mediaKey + "\x00" + shape(value)
	if rec.seen[key] {
		return
	}
	per := op.ID + "\x00" + statusKey + "\x00" + mediaKey
	if rec.perKey[per] >= rec.o.MaxExamples {
		return
	}
	rec.seen[key] = true
	rec.perKey[per]++
	rec.examples = append(rec.examples, recorded{pathKey: op.Key, method: strings.ToLower(op.Method), status: statusKey,
		media: mediaKey, name: "recorded-" + strconv.Itoa(rec.perKey[per]), operation: op.ID, value: value, at: now})
}

// rejectedKey de-duplicates rejected answers by operation, status and
// shape.
func rejectedKey(op string, status int, value any) string {
	return op + "\x00" + strconv.Itoa(status) + "\x00rejected\x00" + shape(value)
}

// Rejected returns the answers kept apart because they contradict the
// description, oldest first.
func (rec *Recorder) Rejected() []Rejected {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.rejected)
}

// Examples counts the examples recorded, all operations together.
func (rec *Recorder) Examples() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.examples)
}

// declaredKeys finds the response key ("200", "2XX", "default") and
// the media type key of op that a status and content type fall under; ""
// when the description declares none.
func declaredKeys(op *openapi.Operation, status int, ct string) (string, string) {
	resps := op.Kin().Responses
	if resps == nil {
		return "", ""
	}
	code := strconv.Itoa(status)
	var statusKey string
	for _, k := range []string{code, code[:1] + "XX", code[:1] + "xx", "default"} {
		if ref := resps.Value(k); ref != nil && ref.Value != nil {
			statusKey = k
			break
		}
	}
	if statusKey == "" {
		return "", ""
	}
	want, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return statusKey, ""
	}
	content := resps.Value(statusKey).Value.Content
	var wildcard string
	for _, k := range sortedKeys(content) {
		got, _, err := mime.ParseMediaType(k)
		if err != nil {
			continue
		}
		if got == want {
			return statusKey, k
		}
		typ, sub, _ := strings.Cut(got, "/")
		wt, _, _ := strings.Cut(want, "/")
		if wildcard == "" && (got == "*/*" || (sub == "*" && typ == wt)) {
			wildcard = k
		}
	}
	return statusKey, wildcard
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// shape is the structure of a JSON value: member names and types, with
// an array's items merged, so that answers differing only in values are
// one example.
func shape(v any) string {
	var b strings.Builder
	writeShape(&b, v)
	return b.String()
}

func writeShape(b *strings.Builder, v any) {
	switch t := v.(type) {
	case map[string]any:
		b.WriteByte('{')
		for _, k := range sortedKeys(t) {
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			writeShape(b, t[k])
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case []any:
		items := map[string]bool{}
		for _, e := range t {
			items[shape(e)] = true
		}
		b.WriteByte('[')
		for _, s := range sortedKeys(items) {
			b.WriteString(s)
			b.WriteByte('|')
		}
		b.WriteByte(']')
	case string:
		b.WriteByte('s')
	case float64, json.Number:
		b.WriteByte('n')
	case bool:
		b.WriteByte('b')
	case nil:
		b.WriteByte('0')
	}
}

// Redacted replaces every scrubbed value.
const Redacted = "REDACTED"

// Secret reports whether a member, header or parameter name looks like it
// carries a secret: what the recorder scrubs ("password", "X-API-Key",
// "client_secret", "sessionId"; not "token_type").
func Secret(name string) bool { return secret.Name(name) }

// scrub replaces the values of members named like secrets, at any depth.
func scrub(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if Secret(k) && e != nil {
				t[k] = Redacted
				continue
			}
			t[k] = scrub(e)
		}
	case []any:
		for i, e := range t {
			t[i] = scrub(e)
		}
	}
	return v
}

// overlayDoc is an OpenAPI Overlay 1.0 document.
type overlayDoc struct {
	Overlay  string          `json:"overlay"`
	Info     overlayInfo     `json:"info"`
	Actions  []overlayAction `json:"actions"`
	Rejected []Rejected      `json:"x-mockapi-rejected,omitempty"`
}

type overlayInfo struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

type overlayAction struct {
	Target string         `json:"target"`
	Update map[string]any `json:"update"`
}

// Overlay returns the recording as an OpenAPI Overlay 1.0 document (JSON):
// one action per response media type, adding its examples ("recorded-1",
// "recorded-2", ...) marked with mock.RecordedExtension, and the rejected
// answers under x-mockapi-rejected. Apply merges it into a description.
func (rec *Recorder) Overlay() ([]byte, error) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	doc := overlayDoc{Overlay: "1.0.0", Info: overlayInfo{Title: "mockapi recording", Version: "1"}, Rejected: rec.rejected}
	index := map[string]int{}
	for _, e := range rec.examples {
		target := fmt.Sprintf("$.paths[%s].%s.responses[%s].content[%s]", quote(e.pathKey), e.method, quote(e.status), quote(e.media))
		i, ok := index[target]
		if !ok {
			i = len(doc.Actions)
			index[target] = i
			doc.Actions = append(doc.Actions, overlayAction{Target: target, Update: map[string]any{"examples": map[string]any{}}})
		}
		doc.Actions[i].Update["examples"].(map[string]any)[e.name] = map[string]any{
			"summary":              "recorded from the upstream at " + e.at.UTC().Format(time.RFC3339),
			"value":                e.value,
			mock.RecordedExtension: true,
			operationExtension:     e.operation,
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

// operationExtension names the operation a recorded example is of.
const operationExtension = "x-mockapi-operation"

// quote writes a JSONPath bracket name: 'name' with ' and \ escaped.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// WriteFile writes Overlay to path atomically (a temporary file renamed).
func (rec *Recorder) WriteFile(path string) error {
	b, err := rec.Overlay()
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Load reads an overlay that Overlay wrote, so that a recording continues
// where it stopped: its examples and rejections count for de-duplication
// and are written again by Overlay. Call it before the recorder is used.
func (rec *Recorder) Load(overlay []byte) error {
	var doc overlayDoc
	if err := json.Unmarshal(overlay, &doc); err != nil {
		return fmt.Errorf("proxy: recording: %w", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for i, a := range doc.Actions {
		t, err := parseTarget(a.Target)
		if err != nil {
			return fmt.Errorf("proxy: recording: action %d: %w", i, err)
		}
		exs, _ := a.Update["examples"].(map[string]any)
		for _, name := range sortedKeys(exs) {
			ex, _ := exs[name].(map[string]any)
			op, _ := ex[operationExtension].(string)
			summary, _ := ex["summary"].(string)
			at, err := time.Parse(time.RFC3339, strings.TrimPrefix(summary, "recorded from the upstream at "))
			if err != nil {
				at = rec.o.Clock()
			}
			e := recorded{pathKey: t.path, method: t.method, status: t.status, media: t.media, name: name, operation: op, value: ex["value"], at: at}
			per := op + "\x00" + t.status + "\x00" + t.media
			rec.perKey[per]++
			rec.seen[op+"\x00"+t.status+"\x00"+t.media+"\x00"+shape(e.value)] = true
			rec.examples = append(rec.examples, e)
		}
	}
	for _, r := range doc.Rejected {
		var v any
		_ = json.Unmarshal(r.Value, &v)
		rec.seen[rejectedKey(r.Operation, r.Status, v)] = true
		rec.rejected = append(rec.rejected, r)
	}
	return nil
}

type target struct{ path, method, status, media string }

// parseTarget reads the targets Overlay writes:
// $.paths['...'].method.responses['...'].content['...'].
func parseTarget(s string) (target, error) {
	var t target
	rest, ok := strings.CutPrefix(s, "$.paths")
	if !ok {
		return t, fmt.Errorf("target %q: not $.paths[...]", s)
	}
	var err error
	if t.path, rest, err = bracket(rest); err != nil {
		return t, fmt.Errorf("target %q: %w", s, err)
	}
	rest, ok = strings.CutPrefix(rest, ".")
	method, rest, _ := strings.Cut(rest, ".")
	if !ok || method == "" {
		return t, fmt.Errorf("target %q: no method", s)
	}
	t.method = method
	if rest, ok = strings.CutPrefix(rest, "responses"); !ok {
		return t, fmt.Errorf("target %q: no responses", s)
	}
	if t.status, rest, err = bracket(rest); err != nil {
		return t, fmt.Errorf("target %q: %w", s, err)
	}
	if rest, ok = strings.CutPrefix(rest, ".content"); !ok {
		return t, fmt.Errorf("target %q: no content", s)
	}
	if t.media, rest, err = bracket(rest); err != nil || rest != "" {
		return t, fmt.Errorf("target %q: not a media type of a response", s)
	}
	return t, nil
}

// bracket reads ['name'] at the start of s.
func bracket(s string) (string, string, error) {
	if !strings.HasPrefix(s, "['") {
		return "", "", errors.New("expected ['name']")
	}
	var b strings.Builder
	for i := 2; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '\'':
			if i+1 < len(s) && s[i+1] == ']' {
				return b.String(), s[i+2:], nil
			}
			return "", "", errors.New("unterminated name")
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("unterminated name")
}

// Apply merges a recording (what Recorder.Overlay writes) into doc and
// returns the resulting description as JSON, for openapi.Parse or a
// project: each recorded example is added to its response's media type,
// a shared response ($ref) being copied into the operation first, and
// the media type's single example, when it has one, kept as the example
// named "example". The mock serves recorded examples first. A target the
// description no longer has (it changed since the recording) is skipped
// and reported as a warning.
func Apply(doc *openapi.Document, overlay []byte) ([]byte, []openapi.Warning, error) {
	var ov overlayDoc
	if err := json.Unmarshal(overlay, &ov); err != nil {
		return nil, nil, fmt.Errorf("proxy: recording: %w", err)
	}
	raw, err := json.Marshal(doc.Kin())
	if err != nil {
		return nil, nil, fmt.Errorf("proxy: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, nil, fmt.Errorf("proxy: %w", err)
	}
	var warnings []openapi.Warning
	for i, a := range ov.Actions {
		t, err := parseTarget(a.Target)
		if err != nil {
			return nil, nil, fmt.Errorf("proxy: recording: action %d: %w", i, err)
		}
		media, why := locate(root, t)
		if media == nil {
			warnings = append(warnings, openapi.Warning{Pointer: a.Target, Message: "recorded examples not applied: " + why})
			continue
		}
		if ex, ok := media["example"]; ok {
			delete(media, "example")
			exs, _ := media["examples"].(map[string]any)
			if exs == nil {
				exs = map[string]any{}
				media["examples"] = exs
			}
			if _, taken := exs["example"]; !taken {
				exs["example"] = map[string]any{"value": ex}
			}
		}
		merge(media, a.Update)
	}
	out, err := json.Marshal(root)
	if err != nil {
		return nil, nil, fmt.Errorf("proxy: %w", err)
	}
	return out, warnings, nil
}

// locate finds the media type object a target names, copying a shared
// response into the operation so that only it changes.
func locate(root map[string]any, t target) (map[string]any, string) {
	paths, _ := root["paths"].(map[string]any)
	item, _ := paths[t.path].(map[string]any)
	if item == nil {
		return nil, "the description has no path " + t.path
	}
	op, _ := item[t.method].(map[string]any)
	if op == nil {
		return nil, "the path has no operation " + t.method
	}
	resps, _ := op["responses"].(map[string]any)
	resp, _ := resps[t.status].(map[string]any)
	if resp == nil {
		return nil, "the operation declares no response " + t.status
	}
	if ref, ok := resp["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/components/responses/")
		comps, _ := root["components"].(map[string]any)
		shared, _ := comps["responses"].(map[string]any)
		src, _ := shared[name].(map[string]any)
		if !ok || src == nil {
			return nil, "the response is a reference the recording cannot follow: " + ref
		}
		resp = deepCopy(src).(map[string]any)
		resps[t.status] = resp
	}
	content, _ := resp["content"].(map[string]any)
	media, _ := content[t.media].(map[string]any)
	if media == nil {
		return nil, "the response has no media type " + t.media
	}
	return media, ""
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	default:
		return v
	}
}

// merge applies an Overlay update: objects merge member by member, any
// other value replaces.
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}
