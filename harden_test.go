package mockapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// startWith starts a Server on a fresh memory store with o (Store and,
// when empty, AdminToken filled in).
func startWith(t *testing.T, o Options) (*Server, *client, *store.Store) {
	t.Helper()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	o.Store = st
	if o.AdminToken == "" {
		o.AdminToken = adminToken
	}
	s, err := New(o)
	require.NoError(t, err)
	ts := httptest.NewServer(adminContract(t, s))
	t.Cleanup(func() {
		ts.Close()
		require.NoError(t, s.Close())
	})
	return s, &client{t: t, base: ts.URL}, st
}

// logCount is how many entries the store holds for a project.
func logCount(t *testing.T, st *store.Store, project string) int {
	t.Helper()
	es, err := st.RequestLog().Query(context.Background(), store.LogQuery{Project: project, Limit: 10000})
	require.NoError(t, err)
	return len(es)
}

// H1: anonymous requests with huge paths to a private project must not
// grow the log by their size, and the logs endpoint must not answer
// megabytes.
func TestRequestLogBoundsAnonymousPaths(t *testing.T) {
	s, c, st := startWith(t, Options{})
	c.admin("POST", "/projects", map[string]any{"id": "priv", "name": "Private", "spec": petsSpec, "visibility": "private"}, 201)
	huge := "/p/priv/" + strings.Repeat("a", 512<<10)
	for range 20 {
		status, _, _ := c.do("GET", huge, "")
		require.Equal(t, http.StatusUnauthorized, status)
	}
	require.NoError(t, s.FlushLog(t.Context()))
	es, err := st.RequestLog().Query(context.Background(), store.LogQuery{Project: "priv", Limit: 100})
	require.NoError(t, err)
	require.Len(t, es, 20)
	for _, e := range es {
		assert.LessOrEqual(t, len(e.Path), store.MaxLogPath)
		assert.True(t, strings.HasSuffix(e.Path, store.TruncatedMark))
	}
	status, _, body := c.do("GET", "/_admin/projects/priv/logs?limit=200", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, http.StatusOK, status)
	assert.Less(t, len(body), 20*(store.MaxLogPath+300), "the answer is bounded by the stored paths")
}

// H1: the logs endpoint pages by bytes as well as by count, and its
// cursor walks the whole log without repeating or skipping entries.
func TestLogsPageByBytes(t *testing.T) {
	_, c, st := startWith(t, Options{})
	c.admin("POST", "/projects", map[string]any{"id": "big", "name": "Big", "spec": petsSpec}, 201)
	const total = 2500
	at := time.Now().Add(-time.Hour).UTC()
	batch := make([]store.Entry, total)
	for i := range batch {
		batch[i] = store.Entry{Time: at, Project: "big", Method: "GET", Status: 200,
			Path: "/" + strings.Repeat("x", store.MaxLogPath)} // clipped to MaxLogPath
	}
	require.NoError(t, st.RequestLog().Append(context.Background(), batch...))

	seen := 0
	next := "/_admin/projects/big/logs?limit=10000"
	pages := 0
	for next != "" && pages < 20 {
		status, hdr, body := c.do("GET", next, "", "Authorization", "Bearer "+adminToken)
		require.Equal(t, http.StatusOK, status, string(body))
		assert.LessOrEqual(t, len(body), maxLogsResponse, "a page is at most maxLogsResponse bytes")
		var page []map[string]any
		require.NoError(t, json.Unmarshal(body, &page))
		require.NotEmpty(t, page)
		seen += len(page)
		pages++
		next = ""
		if link := hdr.Get("Link"); link != "" {
			require.Contains(t, link, `rel="next"`)
			next = link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
		}
	}
	assert.Equal(t, total, seen, "every entry once")
	assert.Greater(t, pages, 1, "the log was cut by size, not by limit")

	status, _, _ := c.do("GET", "/_admin/projects/big/logs?cursor=nonsense", "", "Authorization", "Bearer "+adminToken)
	assert.Equal(t, http.StatusBadRequest, status)
}

// H1: the recorder prunes the log by count per project and by age,
// without anyone calling Prune.
func TestRecorderPrunes(t *testing.T) {
	s, c, st := startWith(t, Options{LogMaxEntries: 5, LogRetention: time.Hour, LogPruneEvery: 20 * time.Millisecond})
	for _, id := range []string{"one", "two"} {
		c.admin("POST", "/projects", map[string]any{"id": id, "name": id, "spec": petsSpec, "visibility": "private"}, 201)
	}
	old := store.Entry{Time: time.Now().Add(-2 * time.Hour), Project: "two", Method: "GET", Path: "/old", Status: 200}
	require.NoError(t, st.RequestLog().Append(context.Background(), old))
	for range 12 {
		status, _, _ := c.do("GET", "/p/one/pets", "")
		require.Equal(t, http.StatusUnauthorized, status)
	}
	require.NoError(t, s.FlushLog(t.Context()))
	require.Eventually(t, func() bool { return logCount(t, st, "one") == 5 && logCount(t, st, "two") == 0 },
		5*time.Second, 20*time.Millisecond, "the log keeps 5 entries per project and nothing older than an hour")
}

// H1, at any rate: a project that receives many entries between two timed
// prunes is pruned as it goes, so the log never holds much more than its
// bound (a memory store holds it in memory).
func TestRecorderPrunesUnderLoad(t *testing.T) {
	s, c, st := startWith(t, Options{LogMaxEntries: 40, LogPruneEvery: time.Hour})
	c.admin("POST", "/projects", map[string]any{"id": "busy", "name": "Busy", "spec": petsSpec, "visibility": "public"}, 201)
	most := 0
	for i := range 400 {
		status, _, _ := c.do("GET", "/p/busy/pets", "")
		require.Equal(t, http.StatusOK, status)
		if i%20 == 19 {
			require.NoError(t, s.FlushLog(t.Context()))
			most = max(most, logCount(t, st, "busy"))
		}
	}
	assert.LessOrEqual(t, most, 50, "never more than 1.25 times the bound, with no timed prune in sight")
	assert.GreaterOrEqual(t, most, 40)
}

func TestRetentionDefaults(t *testing.T) {
	s, _, _ := startWith(t, Options{})
	assert.Equal(t, retention{maxAge: 7 * 24 * time.Hour, maxEntries: 100_000, every: time.Minute}, s.rec.retention)
	s, _, _ = startWith(t, Options{LogRetention: -1, LogMaxEntries: -1, LogPruneEvery: -1})
	assert.Equal(t, retention{maxAge: -1, maxEntries: -1, every: -1}, s.rec.retention, "negative turns a bound off")
}

// M3, through the whole stack: a list-valued x-mock-visibility in a public
// project keeps anonymous callers out.
func TestMalformedVisibilityIsPrivate(t *testing.T) {
	_, c, _ := startWith(t, Options{})
	for _, value := range []string{"[public]", "{a: public}"} {
		spec := strings.Replace(petsSpec, "operationId: listPets", "operationId: listPets\n      x-mock-visibility: "+value, 1)
		c.admin("POST", "/projects", map[string]any{"id": "pub", "name": "Pub", "spec": spec, "visibility": "public"}, 201)
		status, _, body := c.do("GET", "/p/pub/pets", "")
		assert.Equal(t, http.StatusUnauthorized, status, "%s: %s", value, body)
		status, _, _ = c.do("GET", "/p/pub/pets/1", "")
		assert.Equal(t, http.StatusOK, status, "other operations keep the project's visibility")
		c.admin("DELETE", "/projects/pub", nil, 204)
	}
}

// M4: a private override keyed by operationId must not lapse when a new
// spec renames the operation; refusing the spec (or the PATCH) names the
// stale ids.
func TestOverridesRefuseRenames(t *testing.T) {
	_, c, _ := startWith(t, Options{})
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
	c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"getPet": "private"}}, 200)
	status, _, _ := c.do("GET", "/p/pets/pets/1", "")
	require.Equal(t, http.StatusUnauthorized, status)

	renamed := strings.Replace(petsSpec, "operationId: getPet", "operationId: fetchPet", 1)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"spec replaced, wrapped", "PUT", "/projects/pets/spec", map[string]any{"spec": renamed}},
		{"PATCH naming a missing operation", "PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"fetchPet": "private"}}},
	} {
		p := c.admin(tc.method, tc.path, tc.body, http.StatusUnprocessableEntity)
		want := `"getPet"` // the stale override
		if tc.method == "PATCH" {
			want = `"fetchPet"` // the missing operation
		}
		assert.Contains(t, p["detail"], want, tc.name)
		status, _, _ = c.do("GET", "/p/pets/pets/1", "")
		assert.Equal(t, http.StatusUnauthorized, status, "%s: the override still applies", tc.name)
	}

	// Clearing the override first lets the rename through.
	c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"getPet": "inherit"}}, 200)
	c.admin("PUT", "/projects/pets/spec", map[string]any{"spec": renamed}, 200)
}

// Composed stack: operation_visibility null or {} clears every override.
func TestPatchClearsOverrides(t *testing.T) {
	_, c, _ := startWith(t, Options{})
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
	for _, clear := range []string{`null`, `{}`} {
		c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"getPet": "private", "listPets": "private"}}, 200)
		status, _, body := c.do("PATCH", "/_admin/projects/pets", `{"operation_visibility": `+clear+`}`, "Authorization", "Bearer "+adminToken)
		require.Equal(t, http.StatusOK, status, string(body))
		var p map[string]any
		require.NoError(t, json.Unmarshal(body, &p))
		assert.NotContains(t, p, "operation_visibility", clear)
		status, _, _ = c.do("GET", "/p/pets/pets/1", "")
		assert.Equal(t, http.StatusOK, status, clear)
	}
}

// Composed stack: a management body over the limit is 413, not 400.
func TestAdminBodyTooLarge(t *testing.T) {
	_, c, _ := startWith(t, Options{})
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec}, 201)
	big := `{"name": "` + strings.Repeat("a", maxAdminBody) + `"}`
	for _, tc := range []struct{ method, path string }{
		{"POST", "/_admin/projects"},
		{"PATCH", "/_admin/projects/pets"},
		{"PUT", "/_admin/projects/pets/spec"},
	} {
		status, _, body := c.do(tc.method, tc.path, big, "Authorization", "Bearer "+adminToken)
		assert.Equal(t, http.StatusRequestEntityTooLarge, status, "%s %s: %.200s", tc.method, tc.path, body)
	}
}

// L6: project ids are [A-Za-z0-9_-]{1,64}; /p/../a served the project "..".
func TestProjectIDs(t *testing.T) {
	_, c, _ := startWith(t, Options{})
	for _, id := range []string{"..", ".", "a.b", "a\x00b", "a\nb", "a\tb", strings.Repeat("a", 65), "é"} {
		p := c.admin("POST", "/projects", map[string]any{"id": id, "name": "x", "spec": petsSpec, "visibility": "public"}, http.StatusUnprocessableEntity)
		assert.Contains(t, p["detail"], "project id", "%q", id)
	}
	c.admin("POST", "/projects", map[string]any{"id": "Ok_id-1", "name": "x", "spec": petsSpec, "visibility": "public"}, 201)
	status, _, _ := c.do("GET", "/p/../pets", "")
	assert.NotEqual(t, http.StatusOK, status)
}

// Composed stack: analytics have no empty row; share-page visits are page
// views; endpoint paths are written as the log writes them (base path
// included).
func TestAnalyticsPageViewsAndPaths(t *testing.T) {
	s, c, _ := startWith(t, Options{})
	spec := strings.Replace(petsSpec, "paths:", "servers: [{url: /v1}]\npaths:", 1)
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": spec, "visibility": "public"}, 201)
	status, _, body := c.do("GET", "/p/pets/v1/pets/1", "")
	require.Equal(t, http.StatusOK, status, string(body))
	link := c.admin("POST", "/projects/pets/links", map[string]any{"require_token": false}, 201)
	for range 2 {
		status, _, body = c.do("GET", link["url"].(string), "", "Accept", "text/html")
		require.Equal(t, http.StatusOK, status, string(body))
	}
	status, _, _ = c.do("GET", link["url"].(string)+"/nowhere", "")
	require.Equal(t, http.StatusNotFound, status)
	require.NoError(t, s.FlushLog(t.Context()))
	a := c.admin("GET", "/projects/pets/analytics", nil, 200)
	assert.Equal(t, float64(2), a["page_views"])
	top := a["top_endpoints"].([]any)
	require.Len(t, top, 1, "no row without an operation")
	row := top[0].(map[string]any)
	assert.Equal(t, "getPet", row["operation_id"])
	status, _, body = c.do("GET", "/_admin/projects/pets/logs", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, http.StatusOK, status)
	var logs []map[string]any
	require.NoError(t, json.Unmarshal(body, &logs))
	require.NotEmpty(t, logs)
	assert.Equal(t, "/v1/pets/1", logs[len(logs)-1]["path"])
	assert.Equal(t, "/v1/pets/{petId}", row["path"], "the same form as the log's paths")
}

// L2: rotation dropped expires_at, and an expired key could be rotated
// into one that never expires.
func TestRotationKeepsExpiry(t *testing.T) {
	_, c, st := startWith(t, Options{})
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	k := c.admin("POST", "/keys", map[string]any{"name": "ci", "expires_at": expires}, 201)
	next := c.admin("POST", "/keys/"+k["id"].(string)+"/rotate", nil, 201)
	require.Contains(t, next, "expires_at", "the successor keeps the expiry")
	got, err := time.Parse(time.RFC3339Nano, next["expires_at"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, expires, got, time.Millisecond)

	for _, tc := range []struct {
		name string
		key  func() string
	}{
		{"expired", func() string {
			_, old := auth.NewKey("old")
			old.ExpiresAt = time.Now().Add(-time.Minute)
			require.NoError(t, st.Keys().Create(context.Background(), old))
			return old.ID
		}},
		{"revoked", func() string {
			k := c.admin("POST", "/keys", map[string]any{"name": "gone"}, 201)
			c.admin("DELETE", "/keys/"+k["id"].(string), nil, 204)
			return k["id"].(string)
		}},
	} {
		c.admin("POST", "/keys/"+tc.key()+"/rotate", nil, http.StatusNotFound)
	}
}

// L4: a NUL in a JSON string reached PostgreSQL, and its raw error
// ("unsupported Unicode escape sequence") reached the anonymous caller with
// a 500. It is a client error now, on every backend, with no database text.
func TestNULInBodyIsClientError(t *testing.T) {
	stores := map[string]func(t *testing.T) *store.Store{
		"memory": func(t *testing.T) *store.Store { return memory.New() },
	}
	if dsn := os.Getenv("MOCKAPI_TEST_POSTGRES"); dsn != "" {
		stores["postgres"] = func(t *testing.T) *store.Store {
			st, err := postgres.Open(context.Background(), storetest.PostgresSchema(t, dsn))
			require.NoError(t, err)
			return st
		}
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			t.Cleanup(func() { _ = st.Close() })
			_, c := startServer(t, st)
			c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
			status, _, body := c.do("POST", "/p/pets/pets", `{"id":78,"name":"a\u0000b"}`)
			assert.Equal(t, http.StatusBadRequest, status, string(body))
			assert.NotContains(t, string(body), "unsupported Unicode")
			assert.NotContains(t, string(body), "sqlstore")
		})
	}
}

// L5: New refuses an admin token with fewer than 128 bits.
func TestNewRefusesWeakAdminToken(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	for _, tc := range []struct {
		token string
		ok    bool
	}{
		{"secret", false},
		{"test-admin-token", false},
		{"0123456789abcdef0123456789abcde", false},
		{"", true}, // the management API is off
		{adminToken, true},
	} {
		s, err := New(Options{Store: st, AdminToken: tc.token})
		if !tc.ok {
			require.Error(t, err, tc.token)
			assert.Contains(t, err.Error(), "AdminToken", tc.token)
			continue
		}
		require.NoError(t, err, tc.token)
		require.NoError(t, s.Close())
	}
}

// M4 for PutProject (the mock server's -spec) and for overrides already
// stale in the store: both are refused, naming the stale ids.
func TestOverridesRefuseRenamesPutProjectAndPatch(t *testing.T) {
	s, c, st := startWith(t, Options{})
	ctx := context.Background()
	_, err := s.PutProject(ctx, "pets", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)
	c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"getPet": "private"}}, 200)
	renamed := strings.Replace(petsSpec, "operationId: getPet", "operationId: fetchPet", 1)
	_, err = s.PutProject(ctx, "pets", "Pets", []byte(renamed), store.Public)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"getPet"`)

	// An override stale in the store (written before this check existed).
	p, err := st.Projects().Get(ctx, "pets")
	require.NoError(t, err)
	p.OperationVisibility["ghostOp"] = store.Private
	require.NoError(t, st.Projects().Update(ctx, p))
	d := c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"listPets": "public"}}, 422)
	assert.Contains(t, d["detail"], `"ghostOp"`)
	c.admin("PATCH", "/projects/pets", map[string]any{"operation_visibility": map[string]string{"ghostOp": "inherit", "listPets": "public"}}, 200)
}
