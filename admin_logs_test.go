package mockapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

func newMemoryServer(t *testing.T) (*Server, *client) {
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	return startServer(t, st)
}

func TestAdminAnalyticsAcrossProjects(t *testing.T) {
	_, c := newMemoryServer(t)
	for _, id := range []string{"a", "b"} {
		c.admin("POST", "/projects", map[string]any{"id": id, "name": id, "spec": petsSpec, "visibility": "public"}, 201)
	}
	for range 3 {
		c.do("GET", "/p/a/pets", "")
	}
	c.do("GET", "/p/b/pets", "")
	c.do("GET", "/p/b/pets/999", "")

	all := c.admin("GET", "/analytics?period=30d", nil, 200)
	one := c.admin("GET", "/projects/a/analytics?period=30d", nil, 200)
	for k := range one {
		assert.Contains(t, all, k, "the same shape as a project's")
	}
	assert.Equal(t, float64(5), all["total_requests"])
	assert.Equal(t, float64(3), one["total_requests"])
	assert.Equal(t, "30d", all["time_period"])
	assert.Equal(t, map[string]any{"2xx": float64(4), "4xx": float64(1)}, all["by_status"])
	var top []string
	for _, e := range all["top_endpoints"].([]any) {
		m := e.(map[string]any)
		top = append(top, m["project_id"].(string)+" "+m["method"].(string)+" "+m["path"].(string))
	}
	assert.Equal(t, []string{"a GET /pets", "b GET /pets/{petId}", "b GET /pets"}, top, "by count, then operation id")
	c.admin("GET", "/analytics?period=soon", nil, 400)
}

func TestAdminLogFilters(t *testing.T) {
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, AdminToken: adminToken, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	require.NoError(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); _ = s.Close() })
	c := &client{t: t, base: ts.URL}
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
	link := c.admin("POST", "/projects/pets/links", map[string]any{"require_token": false}, 201)
	key := c.admin("POST", "/keys", map[string]any{"name": "ci", "projects": []string{"pets"}}, 201)
	secretKey := key["key"].(string)

	c.do("GET", "/p/pets/pets", "", "User-Agent", "first/1.0")
	since := time.Now().UTC()
	time.Sleep(2 * time.Millisecond)
	c.do("GET", "/p/pets/pets/1", "", "X-API-Key", secretKey, "X-Forwarded-For", "198.51.100.1, 203.0.113.9")
	c.do("GET", "/p/pets/pets/999", "", "X-Mock-Session", "s1")
	c.do("GET", link["url"].(string)+"/pets", "", "Forwarded", `for="[2001:db8::7]:443"`)
	c.do("POST", "/p/pets/pets", `{"name":1}`)

	logs := func(query string) []logEntryDoc {
		t.Helper()
		status, _, body := c.do("GET", "/_admin/projects/pets/logs?"+query, "", "Authorization", "Bearer "+adminToken)
		require.Equal(t, 200, status, "%s: %s", query, body)
		assert.NotContains(t, string(body), secretKey)
		var out []logEntryDoc
		require.NoError(t, json.Unmarshal(body, &out))
		return out
	}
	paths := func(es []logEntryDoc) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Method+" "+e.Path)
		}
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"POST /pets", "GET /pets", "GET /pets/999", "GET /pets/1", "GET /pets"}},
		{"status=404", []string{"GET /pets/999"}},
		{"status=4xx", []string{"POST /pets", "GET /pets/999"}},
		{"status=2XX&operation_id=listPets", []string{"GET /pets", "GET /pets"}},
		{"operation=getPet", []string{"GET /pets/999", "GET /pets/1"}},
		{"key_id=" + key["id"].(string), []string{"GET /pets/1"}},
		{"link_id=" + link["id"].(string), []string{"GET /pets"}},
		{"session=s1", []string{"GET /pets/999"}},
		{"since=" + since.Format(time.RFC3339Nano) + "&status=2xx", []string{"GET /pets", "GET /pets/1"}},
		{"until=" + since.Format(time.RFC3339Nano), []string{"GET /pets"}},
		{"session=nobody", nil},
	} {
		assert.Equal(t, tc.want, paths(logs(tc.query)), tc.query)
	}

	// The client address: the peer's unless it is a trusted proxy, then
	// the nearest untrusted hop of the forwarded chain.
	all := logs("")
	assert.Equal(t, "127.0.0.1", all[4].ClientIP)
	assert.Equal(t, "first/1.0", all[4].UserAgent)
	assert.Equal(t, "203.0.113.9", all[3].ClientIP)
	assert.Equal(t, "2001:db8::7", all[1].ClientIP, "a share link's entry too")
	assert.Equal(t, "Go-http-client/1.1", all[1].UserAgent)

	// Pages keep their filters.
	status, hdr, body := c.do("GET", "/_admin/projects/pets/logs?status=2xx&limit=2", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, 200, status)
	var page []logEntryDoc
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Equal(t, []string{"GET /pets", "GET /pets/1"}, paths(page))
	next := strings.TrimSuffix(strings.TrimPrefix(hdr.Get("Link"), "<"), `>; rel="next"`)
	require.Contains(t, next, "status=2xx")
	status, _, body = c.do("GET", next, "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, 200, status)
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Equal(t, []string{"GET /pets"}, paths(page), "the second page holds the rest of the filtered entries")

	for _, bad := range []string{"status=4x", "status=600", "status=0xx", "since=yesterday", "until=2026-01-01",
		"since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "link=abc", "status=200&status=404", "operation=a&operation_id=b"} {
		status, _, body := c.do("GET", "/_admin/projects/pets/logs?"+bad, "", "Authorization", "Bearer "+adminToken)
		assert.Equal(t, 400, status, "%s: %s", bad, body)
	}
	// The project must exist (the log of a deleted one is not shown).
	status, _, body = c.do("GET", "/_admin/projects/nope/logs", "", "Authorization", "Bearer "+adminToken)
	assert.Equal(t, 404, status, "%s", body)
}

func TestNoClientAddresses(t *testing.T) {
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, NoClientAddresses: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	_, err = s.CreateProject(context.Background(), NewProject{ID: "default", Name: "d", Spec: []byte(petsSpec), Visibility: store.Public})
	require.NoError(t, err)
	r := httptest.NewRequest("GET", "/pets", nil)
	r.Header.Set("User-Agent", "ua")
	s.ServeHTTP(httptest.NewRecorder(), r)
	require.NoError(t, s.FlushLog(context.Background()))
	es, err := st.RequestLog().Query(context.Background(), store.LogQuery{Project: "default"})
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Empty(t, es[0].Client)
	assert.Equal(t, "ua", es[0].UserAgent, "the user agent is still kept")
}

func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, tc := range []struct {
		name    string
		remote  string
		headers map[string]string
		want    string
	}{
		{"a direct caller", "192.0.2.1:5000", nil, "192.0.2.1"},
		{"a direct caller's forged header", "192.0.2.1:5000", map[string]string{"X-Forwarded-For": "1.2.3.4"}, "192.0.2.1"},
		{"through a trusted proxy", "10.0.0.2:80", map[string]string{"X-Forwarded-For": "198.51.100.4"}, "198.51.100.4"},
		{"a forged hop before the real one", "10.0.0.2:80", map[string]string{"X-Forwarded-For": "1.2.3.4, 198.51.100.4"}, "198.51.100.4"},
		{"two trusted proxies", "10.0.0.2:80", map[string]string{"X-Forwarded-For": "198.51.100.4, 10.1.1.1"}, "198.51.100.4"},
		{"Forwarded wins", "[::1]:80", map[string]string{"Forwarded": `for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"`, "X-Forwarded-For": "9.9.9.9"}, "2001:db8:cafe::17"},
		{"an unknown hop", "10.0.0.2:80", map[string]string{"Forwarded": "for=unknown"}, "10.0.0.2"},
		{"garbage", "10.0.0.2:80", map[string]string{"X-Forwarded-For": "<script>"}, "10.0.0.2"},
		{"IPv4 in IPv6", "[::ffff:192.0.2.9]:1", nil, "192.0.2.9"},
		{"an IPv6 caller", "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"a non-canonical IPv6 caller", "[2001:DB8:0:0::1]:443", nil, "2001:db8::1"},
		{"a zone", "[fe80::1%eth0]:443", nil, "fe80::1"},
		{"no port", "192.0.2.1", nil, "192.0.2.1"},
		{"no address", "pipe", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			c := clientAddrs{trusted: trusted}
			assert.Equal(t, tc.want, c.of(r))
			off := clientAddrs{off: true, trusted: trusted}
			assert.Empty(t, off.of(r))
		})
	}
}

// TestClientAddrNoAllocation pins that a direct caller's address, already
// canonical in RemoteAddr, is logged without building a string per request.
func TestClientAddrNoAllocation(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.1:5000"
	c := clientAddrs{}
	var got string
	allocs := testing.AllocsPerRun(100, func() { got = c.of(r) })
	assert.Equal(t, "192.0.2.1", got)
	assert.Zero(t, allocs)
}
