package auth_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
)

// clock is a settable test clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func req(set ...func(*http.Request)) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for _, s := range set {
		s(r)
	}
	return r
}
func withKey(s string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("X-API-Key", s) }
}
func fromAddr(a string) func(*http.Request) { return func(r *http.Request) { r.RemoteAddr = a } }
func viaLink(id string) func(*http.Request) {
	return func(r *http.Request) { *r = *r.WithContext(auth.ContextWithLinkID(r.Context(), id)) }
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := newEnv(t, auth.Options{Clock: clk.Now})
	k1, k2 := e.key(t, nil, project), e.key(t, nil, project)
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public,
		RateLimit: auth.Limit{Requests: 3, Per: time.Minute}})(echo)

	for i := range 3 {
		w, _ := do(t, h, req(withKey(k1)))
		require.Equal(t, 200, w.Code)
		require.Equal(t, `"default";q=3;w=60`, w.Header().Get("RateLimit-Policy"))
		require.True(t, strings.HasPrefix(w.Header().Get("RateLimit"), `"default";r=`+strconv.Itoa(2-i)+`;t=`), w.Header().Get("RateLimit"))
	}
	w, p := do(t, h, req(withKey(k1)))
	require.Equal(t, outcome{429, "RATE_LIMITED"}, outcome{w.Code, p.Code})
	require.Equal(t, "20", w.Header().Get("Retry-After"), "one token every 20s")
	require.Equal(t, `"default";q=3;w=60`, w.Header().Get("RateLimit-Policy"))
	require.Equal(t, `"default";r=0;t=60`, w.Header().Get("RateLimit"))

	// Another key has its own bucket; so has the same client without a key.
	w, _ = do(t, h, req(withKey(k2)))
	require.Equal(t, 200, w.Code)
	w, _ = do(t, h, req())
	require.Equal(t, 200, w.Code)

	// Refilled at the stated rate.
	clk.Add(19 * time.Second)
	w, _ = do(t, h, req(withKey(k1)))
	require.Equal(t, 429, w.Code)
	require.Equal(t, "1", w.Header().Get("Retry-After"))
	clk.Add(time.Second)
	w, _ = do(t, h, req(withKey(k1)))
	require.Equal(t, 200, w.Code)
}

func TestRateLimitPerLinkAndAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{RateLimit: auth.Limit{Requests: 1, Per: time.Hour}})
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public})(echo)
	code := func(set ...func(*http.Request)) int { w, _ := do(t, h, req(set...)); return w.Code }

	// One link, two visitors at different addresses: one bucket.
	require.Equal(t, 200, code(viaLink("L1"), fromAddr("192.0.2.1:1000")))
	require.Equal(t, 429, code(viaLink("L1"), fromAddr("192.0.2.2:1000")))
	require.Equal(t, 200, code(viaLink("L2"), fromAddr("192.0.2.1:1000")))

	// Anonymous callers: per address, IPv6 per /64, IPv4-mapped as IPv4.
	require.Equal(t, 200, code(fromAddr("192.0.2.1:1")))
	require.Equal(t, 429, code(fromAddr("192.0.2.1:2")))
	require.Equal(t, 429, code(fromAddr("[::ffff:192.0.2.1]:3")))
	require.Equal(t, 200, code(fromAddr("192.0.2.9:1")))
	require.Equal(t, 200, code(fromAddr("[2001:db8:1:2::1]:1")))
	require.Equal(t, 429, code(fromAddr("[2001:db8:1:2:ffff::9]:1")))
	require.Equal(t, 200, code(fromAddr("[2001:db8:1:3::1]:1")))

	// Forwarding headers are ignored unless a trusted proxy is configured.
	xff := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("X-Forwarded-For", v) }
	}
	require.Equal(t, 429, code(fromAddr("192.0.2.9:1"), xff("198.51.100.7")))

	// A policy can opt out of the default limit.
	free := e.guard.Protect(&auth.Policy{Project: "free", Visibility: store.Public, RateLimit: auth.Limit{Requests: -1}})(echo)
	for range 5 {
		w, _ := do(t, free, req(fromAddr("192.0.2.1:1")))
		require.Equal(t, 200, w.Code)
		require.Empty(t, w.Header().Get("RateLimit"))
	}
}

func TestRateLimitTrustedProxy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{ClientAddrHeader: "X-Forwarded-For", RateLimit: auth.Limit{Requests: 1, Per: time.Hour}})
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public})(echo)
	code := func(xff string) int {
		r := req(fromAddr("10.0.0.1:1"))
		r.Header.Set("X-Forwarded-For", xff)
		w, _ := do(t, h, r)
		return w.Code
	}
	// The last entry is the one the trusted proxy appended.
	require.Equal(t, 200, code("203.0.113.50, 198.51.100.7"))
	require.Equal(t, 429, code("203.0.113.99, 198.51.100.7"))
	require.Equal(t, 200, code("198.51.100.8"))
}

// Limits hold across goroutines: exactly the burst gets through.
func TestRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{})
	k := e.key(t, nil, project)
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Private,
		RateLimit: auth.Limit{Requests: 1, Per: time.Hour, Burst: 100}})(echo)
	var passed, limited atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 15 {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req(withKey(k)))
				switch w.Code {
				case 200:
					passed.Add(1)
				case 429:
					limited.Add(1)
				}
			}
		})
	}
	wg.Wait()
	require.EqualValues(t, 100, passed.Load())
	require.EqualValues(t, 200, limited.Load())
}

func reclaimers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "auth.(*Guard).reclaimLoop")
}

// The reclaiming goroutine starts with the first limited policy and stops
// with Close; a guard without limits starts none.
func TestCloseStopsReclaim(t *testing.T) {
	before := reclaimers()
	g := auth.NewGuard(auth.Options{ReclaimInterval: time.Millisecond})
	g.Protect(&auth.Policy{Project: project, Visibility: store.Public})
	require.Equal(t, before, reclaimers(), "no limit, no goroutine")
	h := g.Protect(&auth.Policy{Project: project, Visibility: store.Public, RateLimit: auth.Limit{Requests: 1, Per: time.Millisecond}})(echo)
	settles := func(n int) func() bool { return func() bool { return reclaimers() == n } }
	require.Eventually(t, settles(before+1), 5*time.Second, time.Millisecond)
	for i := range 100 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req(fromAddr("192.0.2."+strconv.Itoa(i)+":1")))
	}
	require.NoError(t, g.Close())
	require.Eventually(t, settles(before), 5*time.Second, time.Millisecond)
	require.NoError(t, g.Close(), "closing twice is harmless")
	// A closed guard still answers, and starts nothing.
	h = g.Protect(&auth.Policy{Project: "p2", Visibility: store.Public, RateLimit: auth.Limit{Requests: 1, Per: time.Second}})(echo)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req())
	require.Equal(t, 200, w.Code)
	require.Never(t, func() bool { return reclaimers() != before }, 50*time.Millisecond, 5*time.Millisecond)
}

// AdmitVisitor keeps a bucket per link and client address: one visitor
// running out leaves other visitors and other links alone, and the bucket
// fills again with time.
func TestAdmitVisitor(t *testing.T) {
	t.Parallel()
	clk := newClock()
	g := auth.NewGuard(auth.Options{Clock: clk.Now})
	t.Cleanup(func() { _ = g.Close() })
	limit := auth.Limit{Requests: 2, Per: time.Minute}
	take := func(link, addr string, l auth.Limit) (bool, *httptest.ResponseRecorder) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/s/x/pets", nil)
		r.RemoteAddr = addr + ":1234"
		return g.AdmitVisitor(w, r, "pets", link, l), w
	}
	for _, tc := range []struct {
		name, link, addr string
		limit            auth.Limit
		want             bool
	}{
		{"first", "l1", "192.0.2.1", limit, true},
		{"second", "l1", "192.0.2.1", limit, true},
		{"third: used up", "l1", "192.0.2.1", limit, false},
		{"another visitor", "l1", "192.0.2.2", limit, true},
		{"another link", "l2", "192.0.2.1", limit, true},
		{"no limit", "l1", "192.0.2.1", auth.Limit{}, true},
	} {
		ok, w := take(tc.link, tc.addr, tc.limit)
		require.Equal(t, tc.want, ok, tc.name)
		if !tc.want {
			require.Equal(t, http.StatusTooManyRequests, w.Code, tc.name)
			require.Contains(t, w.Body.String(), "RATE_LIMITED")
			require.NotEmpty(t, w.Header().Get("Retry-After"))
			require.Contains(t, w.Header().Get("RateLimit-Policy"), `"visitor";q=2;w=60`)
		}
	}
	clk.Add(31 * time.Second)
	ok, _ := take("l1", "192.0.2.1", limit)
	require.True(t, ok, "a token comes back after Per/Requests")
}
