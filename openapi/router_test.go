package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const routingSpec = `
openapi: 3.0.3
info: {title: routing, version: "1"}
servers:
  - url: https://api.example.com/v1
paths:
  /users/me:
    get: {operationId: getMe, responses: {"200": {description: ok}}}
  /users/{id}:
    get: {operationId: getUser, responses: {"200": {description: ok}}}
    delete: {operationId: deleteUser, responses: {"204": {description: gone}}}
  /users/{userId}/posts:
    get: {operationId: listPosts, responses: {"200": {description: ok}}}
  /users/{id}/posts/{postId}:
    get: {operationId: getPost, responses: {"200": {description: ok}}}
  /files/{name}.{ext}:
    get: {operationId: getFile, responses: {"200": {description: ok}}}
  /ops/{name}:cancel:
    post: {operationId: cancelOp, responses: {"200": {description: ok}}}
  /ops/{name}:
    get: {operationId: getOp, responses: {"200": {description: ok}}}
  /reports/{year}-{month}:
    get: {operationId: getReport, responses: {"200": {description: ok}}}
  /:
    get: {operationId: root, responses: {"200": {description: ok}}}
  /?Action=DescribeRegions:
    post: {operationId: describeRegions, responses: {"200": {description: ok}}}
  /?Action=RunInstances:
    post: {operationId: runInstances, responses: {"200": {description: ok}}}
  /search/articles?query={query}:
    get: {operationId: searchArticles, responses: {"200": {description: ok}}}
  /svc/#X-Amz-Target=Svc.List:
    post: {operationId: svcList, responses: {"200": {description: ok}}}
  /svc/#X-Amz-Target=Svc.Get:
    post: {operationId: svcGet, responses: {"200": {description: ok}}}
  /things/{thingId}/parts:
    get: {responses: {"200": {description: ok}}}
  /admin:
    servers: [{url: /internal}]
    get: {operationId: admin, responses: {"200": {description: ok}}}
  /tiles/{y}.pbf:
    get: {operationId: getPbf, responses: {"200": {description: ok}}}
  /tiles/{y}.{format}:
    get: {operationId: getTile, responses: {"200": {description: ok}}}
  /blog/{page}{ext}:
    get: {operationId: getBlog, responses: {"200": {description: ok}}}
  /projects{.format}:
    get: {operationId: listProjects, responses: {"200": {description: ok}}}
  //openapi:
    get: {operationId: getOpenAPI, responses: {"200": {description: ok}}}
  /assets/{id}:
    get: {operationId: listAssets, responses: {"200": {description: ok}}}
    post:
      operationId: uploadAsset
      servers: [{url: "https://uploads.example.com"}]
      responses: {"200": {description: ok}}
`

func loadString(t testing.TB, spec string) *Document {
	t.Helper()
	doc, err := Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	return doc
}

func TestRouterFind(t *testing.T) {
	t.Parallel()
	doc := loadString(t, routingSpec)
	tests := []struct {
		method, target string
		header         http.Header
		wantID         string
		wantParams     map[string]string
	}{
		{"GET", "/v1/users/me", nil, "getMe", nil},
		{"GET", "/v1/users/42", nil, "getUser", map[string]string{"id": "42"}},
		{"DELETE", "/v1/users/me", nil, "deleteUser", map[string]string{"id": "me"}}, // literal has no DELETE: backtrack
		{"GET", "/v1/users/42/", nil, "getUser", map[string]string{"id": "42"}},      // trailing slash
		{"HEAD", "/v1/users/42", nil, "getUser", map[string]string{"id": "42"}},      // HEAD is answered like GET
		{"GET", "/v1/users/a%2Fb%20c", nil, "getUser", map[string]string{"id": "a/b c"}},
		{"GET", "/v1/users/7/posts", nil, "listPosts", map[string]string{"userId": "7"}},
		{"GET", "/v1/users/7/posts/9", nil, "getPost", map[string]string{"id": "7", "postId": "9"}},
		{"GET", "/v1/files/archive.tar.gz", nil, "getFile", map[string]string{"name": "archive", "ext": "tar.gz"}},
		{"POST", "/v1/ops/op-1:cancel", nil, "cancelOp", map[string]string{"name": "op-1"}},
		{"POST", "/v1/ops/projects%2Fp%2Fop:cancel", nil, "cancelOp", map[string]string{"name": "projects/p/op"}},
		{"GET", "/v1/ops/op-1", nil, "getOp", map[string]string{"name": "op-1"}},
		{"GET", "/v1/reports/2024-05", nil, "getReport", map[string]string{"year": "2024", "month": "05"}},
		{"GET", "/v1", nil, "root", nil},
		{"GET", "/v1/", nil, "root", nil},
		{"POST", "/v1/?Action=RunInstances&Version=2016", nil, "runInstances", nil},
		{"POST", "/v1/?Action=DescribeRegions", nil, "describeRegions", nil},
		// A templated condition asks only for the parameter (medium.com).
		{"GET", "/v1/search/articles?query=startup", nil, "searchArticles", nil},
		{"POST", "/v1/svc", http.Header{"X-Amz-Target": {"Svc.Get"}}, "svcGet", nil},
		{"POST", "/v1/svc?X-Amz-Target=Svc.List", nil, "svcList", nil},
		{"GET", "/v1/things/t1/parts", nil, "getThingsByThingIdParts", map[string]string{"thingId": "t1"}},
		{"GET", "/internal/admin", nil, "admin", nil},
		// Templates with more literal text first, parameter names not counted
		// (tomtom.com: "{Y}.pbf" lost to "{Y}.{format}").
		{"GET", "/v1/tiles/7.pbf", nil, "getPbf", map[string]string{"y": "7"}},
		{"GET", "/v1/tiles/7.png", nil, "getTile", map[string]string{"y": "7", "format": "png"}},
		// Adjacent parameters split at the last dot (healthcare.gov, bufferapp.com).
		{"GET", "/v1/blog/my.post.json", nil, "getBlog", map[string]string{"page": "my.post", "ext": ".json"}},
		{"GET", "/v1/blog/post", nil, "getBlog", map[string]string{"page": "p", "ext": "ost"}},
		// RFC 6570 label expansion (nasa.gov).
		{"GET", "/v1/projects.json", nil, "listProjects", map[string]string{"format": "json"}},
		// Leading double slash in the template (clever-cloud.com).
		{"GET", "//openapi", nil, "getOpenAPI", nil},
		{"GET", "/v1//openapi", nil, "getOpenAPI", nil},
		// A based template that has the path for another method only does not
		// hide the bare one (GitHub Enterprise: releases/{id}/assets).
		{"GET", "/assets/1", nil, "listAssets", map[string]string{"id": "1"}},
		{"POST", "/assets/1", nil, "uploadAsset", map[string]string{"id": "1"}},
		// Without the server base path: the bare templates answer too.
		{"GET", "/users/42", nil, "getUser", map[string]string{"id": "42"}},
		{"GET", "/admin", nil, "admin", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			m, err := doc.Router().Find(req)
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, m.Operation.ID)
			if tt.wantParams == nil {
				tt.wantParams = map[string]string{}
			}
			assert.Equal(t, tt.wantParams, m.Params())
		})
	}
}

func TestRouterErrors(t *testing.T) {
	t.Parallel()
	doc := loadString(t, routingSpec)
	tests := []struct {
		method, target string
		check          func(t *testing.T, err error)
	}{
		{"GET", "/v1/nope", func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrNotFound) }},
		{"GET", "/v1/users/1/posts/2/extra", func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrNotFound) }},
		{"PUT", "/v1/users/42", func(t *testing.T, err error) {
			var mna *MethodNotAllowedError
			require.ErrorAs(t, err, &mna)
			assert.Equal(t, []string{"GET", "HEAD", "DELETE"}, mna.Allowed)
		}},
		{"POST", "/v1/?Action=Unknown", func(t *testing.T, err error) {
			var ce *ConditionError
			require.ErrorAs(t, err, &ce)
			assert.ElementsMatch(t, []string{"Action=DescribeRegions", "Action=RunInstances"}, ce.Expected)
		}},
		{"GET", "/v1/files/noext", func(t *testing.T, err error) { assert.ErrorIs(t, err, ErrNotFound) }},
		{"GET", "/v1/search/articles", func(t *testing.T, err error) { // the templated parameter is still asked for
			var ce *ConditionError
			assert.ErrorAs(t, err, &ce)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			_, err := doc.Router().Find(httptest.NewRequest(tt.method, tt.target, nil))
			require.Error(t, err)
			tt.check(t, err)
		})
	}
}

func TestMatchReusesContext(t *testing.T) {
	t.Parallel()
	doc := loadString(t, routingSpec)
	req := httptest.NewRequest("GET", "/v1/users/42", nil)
	m, err := doc.Match(req)
	require.NoError(t, err)
	// A stored match wins over the path: proof that no second routing happens.
	other := doc.Operation("getMe")
	req = req.WithContext(ContextWithMatch(req.Context(), Match{Operation: other, doc: doc}))
	again, err := doc.Match(req)
	require.NoError(t, err)
	assert.Equal(t, "getUser", m.Operation.ID)
	assert.Same(t, other, again.Operation)
	assert.Same(t, doc, again.Document())
}

// A match another document made, or one not made by a router at all, is
// never taken for the document's own: the request is routed again.
func TestMatchIgnoresForeignMatches(t *testing.T) {
	t.Parallel()
	doc := loadString(t, routingSpec)
	sameSpec := loadString(t, routingSpec) // a reload: same API, another Document
	foreign, err := sameSpec.Match(httptest.NewRequest("GET", "/v1/users/me", nil))
	require.NoError(t, err)
	require.Same(t, sameSpec, foreign.Document())
	tests := []struct {
		name   string
		stored Match
	}{
		{"from another document", foreign},
		{"built by hand", Match{Operation: doc.Operation("getMe")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/v1/users/42", nil)
			req = req.WithContext(ContextWithMatch(req.Context(), tt.stored))
			m, err := doc.Match(req)
			require.NoError(t, err)
			assert.Same(t, doc.Operation("getUser"), m.Operation)
			assert.Same(t, doc, m.Document())
			v, ok := m.Param("id")
			assert.True(t, ok)
			assert.Equal(t, "42", v)
		})
	}
}

func TestRouterSameRouteWarns(t *testing.T) {
	t.Parallel()
	doc := loadString(t, `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a/{x}:
    get: {operationId: one, responses: {"200": {description: ok}}}
  /a/{y}:
    get: {operationId: two, responses: {"200": {description: ok}}}
`)
	m, err := doc.Router().Find(httptest.NewRequest("GET", "/a/1", nil))
	require.NoError(t, err)
	assert.Equal(t, "one", m.Operation.ID)
	var msgs []string
	for _, w := range doc.Warnings() {
		msgs = append(msgs, w.Message)
	}
	assert.Contains(t, msgs, "GET /a/{y}: same route as /a/{x} (one); a request goes to the first whose path parameters accept it")
}

// Templates that differ only in their parameters' names (reverb's
// /conversations/{id}/offer and /conversations/{conversation_id}/offer)
// route to the first whose path parameters accept the request; the others
// that accept it are offered as alternatives, each with its own names.
func TestRouterAlternatives(t *testing.T) {
	t.Parallel()
	doc := loadString(t, `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /c/{conversation_id}/offer:
    post:
      operationId: one
      parameters: [{name: conversation_id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /c/{n}/offer:
    post:
      operationId: numeric
      parameters: [{name: n, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /c/{id}/offer:
    post:
      operationId: two
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
    get:
      operationId: only
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`)
	for _, tc := range []struct {
		method, path string
		want         []string // the operation chosen, then the alternatives
		param        string   // the value each alternative reads for its own parameter
	}{
		{"POST", "/c/abc/offer", []string{"one", "two"}, "abc"},
		{"POST", "/c/7/offer", []string{"one", "two", "numeric"}, "7"},
		{"GET", "/c/abc/offer", []string{"only"}, "abc"},
	} {
		m, err := doc.Router().Find(httptest.NewRequest(tc.method, tc.path, nil))
		require.NoError(t, err)
		got := []string{m.Operation.ID}
		for _, alt := range m.Alternatives() {
			got = append(got, alt.Operation.ID)
			name := alt.Operation.Kin().Parameters[0].Value.Name
			v, ok := alt.Param(name)
			assert.True(t, ok, "%s %s", alt.Operation.ID, name)
			assert.Equal(t, tc.param, v)
			assert.Same(t, doc, alt.Document())
		}
		assert.Equal(t, tc.want, got, "%s %s", tc.method, tc.path)
	}
}

func TestRouterHostileBacktracking(t *testing.T) {
	t.Parallel()
	// Every segment can be literal or parameter: a naive backtracking router
	// explores 2^n branches on a miss.
	spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
	for i := 0; i < 20; i++ {
		p := ""
		for j := 0; j < 20; j++ {
			if j < i {
				p += "/a"
			} else {
				p += fmt.Sprintf("/{p%d}", j)
			}
		}
		spec += "  " + p + "/z:\n    get: {responses: {'200': {description: ok}}}\n"
	}
	doc := loadString(t, spec)
	target := ""
	for i := 0; i < 20; i++ {
		target += "/a"
	}
	_, err := doc.Router().Find(httptest.NewRequest("GET", target+"/nomatch", nil))
	assert.True(t, errors.Is(err, ErrNotFound))
}

// Templates that match at the same level are told apart by what their
// path parameters accept (#15): a value is routed to the sibling whose
// schema takes it, and only when none or several do, to the first.
func TestOverlappingTemplatesRouteByParameters(t *testing.T) {
	t.Parallel()
	doc, err := Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: countries, version: "1"}
paths:
  /countries/{code2}:
    get:
      operationId: byCode2
      parameters: [{name: code2, in: path, required: true, schema: {type: string, minLength: 2, maxLength: 2}}]
      responses: {"200": {description: ok}}
  /countries/{code3}:
    get:
      operationId: byCode3
      parameters: [{name: code3, in: path, required: true, schema: {type: string, minLength: 3, maxLength: 3}}]
      responses: {"200": {description: ok}}
  /countries/{id}:
    get:
      operationId: byNumber
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /countries/{guid}:
    get:
      operationId: byGUID
      parameters: [{name: guid, in: path, required: true, schema: {type: string, format: uuid, pattern: "^[0-9a-f-]{36}$"}}]
      responses: {"200": {description: ok}}
  /countries/{countryName}:
    get:
      operationId: byName
      parameters: [{name: countryName, in: path, required: true, schema: {type: string, minLength: 4, pattern: "^[A-Za-z ]+$"}}]
      responses: {"200": {description: ok}}
`))
	require.NoError(t, err)
	for path, want := range map[string]string{
		"/countries/fr":   "byCode2",
		"/countries/fra":  "byCode3",
		"/countries/250":  "byCode3", // three characters: code3 is declared first
		"/countries/2500": "byNumber",
		"/countries/3f2504e0-4f89-41d3-9a0c-0305e82c3301": "byGUID",
		"/countries/France": "byName",
		"/countries/x":      "byCode2", // nothing accepts it: the first
	} {
		m, err := doc.Match(httptest.NewRequest("GET", path, nil))
		require.NoError(t, err, path)
		assert.Equal(t, want, m.Operation.ID, path)
	}
}

// A segment with several parameters can often be split in more than one
// way; the split whose values the parameters' schemas accept is taken, and
// only when none is, the first (shortest first parameter) (#15).
func TestSegmentWithSeveralParametersSplitsByWhatTheyAccept(t *testing.T) {
	t.Parallel()
	doc := loadString(t, `
openapi: 3.0.3
info: {title: split, version: "1"}
paths:
  /files/{name}.{ext}:
    get:
      operationId: getFile
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: ext, in: path, required: true, schema: {type: string, enum: [json, csv]}}
      responses: {"200": {description: ok}}
  /files/{name}.{ext}/meta:
    get:
      operationId: getFileMeta
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: ext, in: path, required: true, schema: {type: string, pattern: "^[a-z]+$"}}
      responses: {"200": {description: ok}}
  /days/{start}-{end}:
    get:
      operationId: getDays
      parameters:
        - {name: start, in: path, required: true, schema: {type: string, format: date}}
        - {name: end, in: path, required: true, schema: {type: string, format: date}}
      responses: {"200": {description: ok}}
  /v/{major}.{minor}{suffix}:
    get:
      operationId: getVersion
      parameters:
        - {name: major, in: path, required: true, schema: {type: integer}}
        - {name: minor, in: path, required: true, schema: {type: integer}}
        - {name: suffix, in: path, required: true, schema: {type: string, pattern: "^-[a-z]+$"}}
      responses: {"200": {description: ok}}
`)
	tests := []struct {
		target, wantID string
		wantParams     map[string]string
	}{
		{"/files/report.csv", "getFile", map[string]string{"name": "report", "ext": "csv"}},
		{"/files/a.b.json", "getFile", map[string]string{"name": "a.b", "ext": "json"}},
		{"/files/a.b.txt", "getFile", map[string]string{"name": "a", "ext": "b.txt"}}, // none accepted: the first split
		{"/files/a.b.json/meta", "getFileMeta", map[string]string{"name": "a.b", "ext": "json"}},
		{"/days/2024-01-31-2024-02-29", "getDays", map[string]string{"start": "2024-01-31", "end": "2024-02-29"}},
		{"/v/12.34-beta", "getVersion", map[string]string{"major": "12", "minor": "34", "suffix": "-beta"}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			m, err := doc.Match(httptest.NewRequest("GET", tt.target, nil))
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, m.Operation.ID)
			assert.Equal(t, tt.wantParams, m.Params())
		})
	}
}

// TestRouterAllocations pins what routing costs the heap: nothing for a
// template without parameters, one small array for its values otherwise,
// which the match keeps, each match its own.
func TestRouterAllocations(t *testing.T) {
	doc := loadString(t, routingSpec)
	for _, tc := range []struct {
		target string
		allocs float64
		params map[string]string
	}{
		{"https://api.example.com/v1/users/me", 0, map[string]string{}},
		{"https://api.example.com/v1/users/7", 1, map[string]string{"id": "7"}},
		{"https://api.example.com/v1/users/7/posts/9", 1, map[string]string{"id": "7", "postId": "9"}},
		{"https://api.example.com/v1/files/a.b.json", 1, map[string]string{"name": "a", "ext": "b.json"}}, // the first split
	} {
		t.Run(tc.target, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tc.target, nil)
			var m Match
			allocs := testing.AllocsPerRun(50, func() { m, _ = doc.Router().Find(r) })
			assert.Equal(t, tc.allocs, allocs)
			assert.Equal(t, tc.params, m.Params())
			again, err := doc.Router().Find(r)
			require.NoError(t, err)
			if len(tc.params) > 0 {
				m.values[0] = "changed"
				assert.Equal(t, tc.params, again.Params(), "matches share no values")
			}
		})
	}
}
