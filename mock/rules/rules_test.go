package rules

import (
	"math/rand"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func boolp(b bool) *bool { return &b }

func TestConditions(t *testing.T) {
	t.Parallel()
	req := &Request{
		Path:    map[string]any{"petId": int64(0), "slug": "rex-1"},
		Query:   map[string]any{"limit": "20", "tag": []any{"a", "b"}},
		Header:  http.Header{"X-Plan": {"pro-annual"}},
		Cookies: map[string]string{"session": "s1"},
		Body:    map[string]any{"name": "Rex", "age": float64(3), "owner": map[string]any{"tags": []any{"vip"}}, "a/b": true},
		HasBody: true,
	}
	tests := []struct {
		name string
		c    Condition
		want bool
	}{
		{"path equals number", Condition{In: "path", Name: "petId", Equals: 0}, true},
		{"path equals text of the number", Condition{In: "path", Name: "petId", Equals: "0"}, true},
		{"path differs", Condition{In: "path", Name: "petId", Equals: 1}, false},
		{"regex on path", Condition{In: "path", Name: "slug", Regex: `^rex-\d+$`}, true},
		{"query compares as a number", Condition{In: "query", Name: "limit", Op: "gt", Value: 9}, true},
		{"query le", Condition{In: "query", Name: "limit", Op: "le", Value: 19}, false},
		{"absent query ne", Condition{In: "query", Name: "missing", Op: "ne", Value: 1}, true},
		{"header regex", Condition{In: "header", Name: "x-plan", Regex: "^pro"}, true},
		{"cookie exists", Condition{In: "cookie", Name: "session", Exists: boolp(true)}, true},
		{"cookie absent", Condition{In: "cookie", Name: "other", Exists: boolp(false)}, true},
		{"body field equals", Condition{In: "body", Pointer: "/name", Equals: "Rex"}, true},
		{"body nested index", Condition{In: "body", Pointer: "/owner/tags/0", Equals: "vip"}, true},
		{"body escaped pointer", Condition{In: "body", Pointer: "/a~1b", Equals: true}, true},
		{"body compare", Condition{In: "body", Pointer: "/age", Op: "lt", Value: 5}, true},
		{"body object equals", Condition{In: "body", Pointer: "/owner", Equals: map[string]any{"tags": []any{"vip"}}}, true},
		{"body missing field", Condition{In: "body", Pointer: "/nope", Equals: "x"}, false},
		{"body field exists", Condition{In: "body", Pointer: "/owner/tags", Exists: boolp(true)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Rule{When: []Condition{tc.c}}
			require.NoError(t, r.Compile())
			assert.Equal(t, tc.want, r.Matches(req))
		})
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    Rule
		want string
	}{
		{"bad status", Rule{Status: 42}, "not an HTTP status"},
		{"example and body", Rule{Example: "a", Body: "b"}, "give one"},
		{"unknown place", Rule{When: []Condition{{In: "form", Name: "x", Equals: 1}}}, "when/0: in:"},
		{"no test", Rule{When: []Condition{{In: "path", Name: "x"}}}, "exactly one"},
		{"two tests", Rule{When: []Condition{{In: "path", Name: "x", Equals: 1, Regex: "a"}}}, "exactly one"},
		{"bad regex", Rule{When: []Condition{{In: "path", Name: "x", Regex: "("}}}, "regex"},
		{"bad op", Rule{When: []Condition{{In: "path", Name: "x", Op: "like", Value: 1}}}, "op:"},
		{"bad pointer", Rule{When: []Condition{{In: "body", Pointer: "name", Equals: 1}}}, "JSON pointer"},
		{"unclosed template", Rule{Body: map[string]any{"a": "{{now"}}, "/body/a"},
		{"unknown expression", Rule{Body: "{{request.secret}}"}, "not an expression"},
		{"unknown faker", Rule{Body: "{{faker.nosuchthing}}"}, "gofakeit has no such function"},
		{"bad delay", Rule{Delay: "soon"}, "delay"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Compile()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	req := &Request{
		Path:    map[string]any{"petId": int64(7)},
		Query:   map[string]any{"q": "cats"},
		Header:  http.Header{"X-Trace": {"t-1"}},
		Body:    map[string]any{"name": "Rex", "tags": []any{"a", "b"}},
		HasBody: true,
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	env := func(seed int64) *Env { return &Env{Request: req, Rand: rand.New(rand.NewSource(seed)), Now: now} }
	r := &Rule{Body: map[string]any{
		"id":    "{{request.path.petId}}",
		"name":  "{{ request.body.name }}",
		"tags":  "{{request.body.tags}}",
		"first": "{{request.body.tags.0}}",
		"label": "pet {{request.path.petId}} for {{request.query.q}} ({{request.header.X-Trace}})",
		"at":    "{{now}}",
		"uuid":  "{{uuid}}",
		"email": "{{faker.email}}",
		"plain": "no template here",
	}, Headers: map[string]string{"X-Echo": "{{request.header.X-Trace}}"}}
	require.NoError(t, r.Compile())
	assert.True(t, r.Templated())
	b, err := r.RenderBody(env(1))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"id":7`, "a lone expression keeps its type")
	assert.Contains(t, string(b), `"tags":["a","b"]`)
	assert.Contains(t, string(b), `"first":"a"`)
	assert.Contains(t, string(b), `"label":"pet 7 for cats (t-1)"`)
	assert.Contains(t, string(b), `"at":"2026-12-07T10:00:00Z"`)
	assert.Regexp(t, `"uuid":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"`, string(b))
	assert.Regexp(t, `"email":"[^"@]+@[^"@]+"`, string(b))
	again, err := r.RenderBody(env(1))
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again), "the same seed renders the same body")
	hdrs, err := r.RenderHeaders(env(1))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"X-Echo": "t-1"}, hdrs)

	missing := &Rule{Body: map[string]any{"x": []any{"{{request.body.nope}}"}}}
	require.NoError(t, missing.Compile())
	_, err = missing.RenderBody(env(1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "body /x/0", "the error names the place")

	noBody := &Rule{Body: "{{request.body.name}}"}
	require.NoError(t, noBody.Compile())
	_, err = noBody.RenderBody(&Env{Request: &Request{}, Rand: rand.New(rand.NewSource(1))})
	assert.ErrorContains(t, err, "no JSON body")

	split := &Rule{Headers: map[string]string{"X-Bad": "{{request.body.name}}"}}
	require.NoError(t, split.Compile())
	_, err = split.RenderHeaders(&Env{Request: &Request{Body: map[string]any{"name": "a\r\nSet-Cookie: x"}, HasBody: true}, Rand: rand.New(rand.NewSource(1))})
	assert.ErrorContains(t, err, "single line", "a header cannot be split by the request")
}

func TestParse(t *testing.T) {
	t.Parallel()
	rs, err := Parse([]any{
		map[string]any{"name": "zero", "when": []any{map[string]any{"in": "path", "name": "id", "equals": 0}}, "status": 404},
		map[string]any{"status": 200, "body": map[string]any{"ok": true}, "delay": "10ms"},
	})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, "zero", rs[0].Name)
	assert.Equal(t, 10*time.Millisecond, rs[1].DelayDuration())
	_, err = Parse([]any{map[string]any{"status": 200, "colour": "red"}})
	assert.ErrorContains(t, err, "colour")
	_, err = Parse(map[string]any{"status": 200})
	assert.ErrorContains(t, err, "not a list")
	_, err = Parse([]any{map[string]any{"when": []any{map[string]any{"in": "path"}}}})
	assert.ErrorContains(t, err, "x-mock-rules/0: when/0")
}
