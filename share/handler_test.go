package share_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
)

// env is a share handler over a store, serving testdata/pets.yaml as the
// private project "pets" (and an empty project "other") on an httptest
// server.
type env struct {
	t      testing.TB
	h      *share.Handler
	st     *store.Store
	reg    *share.Registry
	clock  *clock
	srv    *httptest.Server
	doc    *openapi.Document
	served *share.Served

	mu      sync.Mutex
	entries []store.Entry
}

type envOptions struct {
	store    *store.Store
	mock     http.Handler // nil: mock.New(doc)
	policy   func(*auth.Policy)
	rate     auth.Limit
	noRecord bool
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, st: o.store, clock: newClock()}
	if e.st == nil {
		e.st = memory.New(store.WithTouchInterval(0))
		t.Cleanup(func() { _ = e.st.Close() })
	}
	spec, err := os.ReadFile("testdata/pets.yaml")
	require.NoError(t, err)
	e.doc, err = openapi.Parse(ctx, spec)
	require.NoError(t, err)
	require.NoError(t, e.st.Projects().Create(ctx, &store.Project{ID: "pets", Name: "Pets for partners", Spec: spec, SpecFormat: "yaml", Visibility: store.Private, Owner: "alice"}))
	require.NoError(t, e.st.Projects().Create(ctx, &store.Project{ID: "other", Name: "Other", Spec: spec, SpecFormat: "yaml", Visibility: store.Private, Owner: "bob"}))
	m := o.mock
	if m == nil {
		mh, err := mock.New(e.doc, mock.WithSeed(7))
		require.NoError(t, err)
		m = mh
	}
	policy := &auth.Policy{Project: "pets", Visibility: store.Private, Document: e.doc, Owner: "alice"}
	if o.policy != nil {
		o.policy(policy)
	}
	proj, err := e.st.Projects().Get(ctx, "pets")
	require.NoError(t, err)
	e.served = &share.Served{Project: proj, Document: e.doc, Mock: m, Policy: policy}

	e.reg = share.NewRegistry(e.st.Links(), share.WithClock(e.clock.Now))
	guard := auth.NewGuard(auth.Options{Keys: e.st.Keys(), Clock: e.clock.Now})
	t.Cleanup(func() { _ = guard.Close() })
	opts := share.Options{
		Registry:  e.reg,
		Guard:     guard,
		RateLimit: o.rate,
		Project: func(ctx context.Context, id string) (*share.Served, error) {
			if id != "pets" {
				return nil, store.ErrNotFound
			}
			return e.served, nil
		},
	}
	if !o.noRecord {
		opts.Record = func(en store.Entry) {
			e.mu.Lock()
			e.entries = append(e.entries, en)
			e.mu.Unlock()
		}
	}
	e.h, err = share.NewHandler(opts)
	require.NoError(t, err)
	e.srv = httptest.NewServer(e.h)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) link(o share.LinkOptions) (string, *store.Link) {
	e.t.Helper()
	token, l, err := e.reg.Create(context.Background(), "pets", o)
	require.NoError(e.t, err)
	return token, l
}

func (e *env) key(projects ...string) string {
	e.t.Helper()
	secret, k := auth.NewKey("test", projects...)
	require.NoError(e.t, e.st.Keys().Create(context.Background(), k))
	return secret
}

// call sends a request and returns the status and body.
func (e *env) call(method, path string, header ...string) (int, http.Header, string) {
	e.t.Helper()
	return e.do(http.DefaultClient, method, path, nil, header...)
}

func (e *env) do(c *http.Client, method, path string, body io.Reader, header ...string) (int, http.Header, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	require.NoError(e.t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(e.t, err)
	return res.StatusCode, res.Header, string(b)
}

func requireNotFound(t *testing.T, status int, h http.Header, body string) {
	t.Helper()
	require.Equal(t, http.StatusNotFound, status, body)
	require.Equal(t, "application/problem+json", h.Get("Content-Type"))
	require.Contains(t, body, `"NOT_FOUND"`)
}

func TestLinkLifecycle(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(t *testing.T) *store.Store{
		"memory": func(t *testing.T) *store.Store { return nil },
		"sqlite": func(t *testing.T) *store.Store {
			st, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "share.db"), sqlstore.WithStore(store.WithTouchInterval(0)))
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			return st
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{store: open(t)})
			ctx := context.Background()
			token, l := e.link(share.LinkOptions{Name: "partners"})

			status, _, body := e.call("GET", "/s/"+token+"/v1/pets")
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, "Rex")

			// The project is private: without the link, nothing.
			status, h, body := e.call("GET", "/s/"+share.TokenPrefix+strings.Repeat("A", len(token)-len(share.TokenPrefix))+"/v1/pets")
			requireNotFound(t, status, h, body)
			unknown := body

			// Regenerate: the old URL stops at once, the new one works.
			token2, _, err := e.reg.Regenerate(ctx, l.ID)
			require.NoError(t, err)
			status, h, body = e.call("GET", "/s/"+token+"/v1/pets")
			requireNotFound(t, status, h, body)
			require.Equal(t, unknown, body, "a regenerated token reveals nothing")
			status, _, _ = e.call("GET", "/s/"+token2+"/v1/pets")
			require.Equal(t, http.StatusOK, status)

			// Revoke: 404, with the same body as an unknown token.
			require.NoError(t, e.reg.Revoke(ctx, l.ID))
			status, h, body = e.call("GET", "/s/"+token2+"/v1/pets")
			requireNotFound(t, status, h, body)
			require.Equal(t, unknown, body, "a revoked token reveals nothing")

			// Expiry, on the registry's clock.
			token3, _ := e.link(share.LinkOptions{ExpiresAt: e.clock.Now().Add(time.Hour)})
			status, _, _ = e.call("GET", "/s/"+token3+"/v1/pets")
			require.Equal(t, http.StatusOK, status)
			e.clock.Add(time.Hour + time.Second)
			status, h, body = e.call("GET", "/s/"+token3+"/v1/pets")
			requireNotFound(t, status, h, body)
			require.Equal(t, unknown, body, "an expired token reveals nothing")
		})
	}
}

func TestTokenRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	token, _ := e.link(share.LinkOptions{TokenRequired: true})
	right, everywhere, elsewhere := e.key("pets"), e.key(), e.key("other")
	path := "/s/" + token + "/v1/pets"

	status, h, body := e.call("GET", path)
	require.Equal(t, http.StatusUnauthorized, status, body)
	require.NotEmpty(t, h.Get("WWW-Authenticate"))
	require.Contains(t, body, "AUTHENTICATION_REQUIRED")

	status, _, body = e.call("GET", path, "X-API-Key", "mk_not-a-key")
	require.Equal(t, http.StatusUnauthorized, status, body)

	status, _, body = e.call("GET", path, "X-API-Key", elsewhere)
	require.Equal(t, http.StatusForbidden, status, body)
	require.NotContains(t, body, elsewhere)

	for _, hdr := range [][]string{
		{"X-API-Key", right},
		{"Authorization", "Bearer " + right},
		{"apidogToken", right},
		{"X-API-Key", everywhere},
	} {
		status, _, body = e.call("GET", path, hdr...)
		require.Equal(t, http.StatusOK, status, "%s: %s", hdr[0], body)
	}

	// An operation whose own visibility is public still needs the key
	// through a token link.
	e2 := newEnv(t, envOptions{policy: func(p *auth.Policy) {
		p.Operations = map[string]store.Visibility{"listPets": store.Public}
	}})
	token, _ = e2.link(share.LinkOptions{TokenRequired: true})
	status, _, body = e2.call("GET", "/s/"+token+"/v1/pets")
	require.Equal(t, http.StatusUnauthorized, status, body)
}

// Served.TokenRequired makes a link made without TokenRequired need a
// key: its operations, its description and what its page tells visitors.
func TestServedTokenRequired(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name              string
		served            bool // Served.TokenRequired
		noKey, keyed      int  // status of an operation without and with a key
		export            int  // status of the description without a key
		pageAsksForTheKey bool
	}{
		{"link alone opens", false, http.StatusOK, http.StatusOK, http.StatusOK, false},
		{"the host requires a key", true, http.StatusUnauthorized, http.StatusOK, http.StatusUnauthorized, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{})
			e.served.TokenRequired = tc.served
			token, _ := e.link(share.LinkOptions{})
			right := e.key("pets")
			status, _, body := e.call("GET", "/s/"+token+"/v1/pets")
			require.Equal(t, tc.noKey, status, body)
			status, _, body = e.call("GET", "/s/"+token+"/v1/pets", "X-API-Key", right)
			require.Equal(t, tc.keyed, status, body)
			status, _, body = e.call("GET", "/s/"+token+"/?format=openapi")
			require.Equal(t, tc.export, status, body)
			status, _, body = e.call("GET", "/s/"+token+"/?format=html")
			require.Equal(t, http.StatusOK, status, "the page is open")
			require.Equal(t, tc.pageAsksForTheKey, strings.Contains(body, "This link requires an API key"))
		})
	}
}

// A link's visitor limit bounds each client address on that link alone,
// and a limit with one half set is refused.
func TestVisitorLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	limited, _ := e.link(share.LinkOptions{VisitorLimit: auth.Limit{Requests: 2, Per: time.Hour}})
	other, _ := e.link(share.LinkOptions{})
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		status, h, body := e.call("GET", "/s/"+limited+"/v1/pets")
		require.Equal(t, want, status, "request %d: %s", i+1, body)
		if status == http.StatusTooManyRequests {
			require.Contains(t, body, "RATE_LIMITED")
			require.NotEmpty(t, h.Get("Retry-After"))
			require.NotContains(t, body, limited, "the answer never names the token")
		}
	}
	for range 3 {
		status, _, body := e.call("GET", "/s/"+other+"/v1/pets")
		require.Equal(t, http.StatusOK, status, "another link is not limited: %s", body)
	}
	for _, bad := range []auth.Limit{{Requests: 2}, {Per: time.Minute}, {Requests: -1, Per: time.Minute}} {
		_, _, err := e.reg.Create(context.Background(), "pets", share.LinkOptions{VisitorLimit: bad})
		require.ErrorIs(t, err, store.ErrInvalid, "%+v", bad)
	}
}

func TestPrivateOperationsAreNeverServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{policy: func(p *auth.Policy) {
		p.Operations = map[string]store.Visibility{"getPet": store.Private, "createPet": store.Authenticated}
	}})
	public, _ := e.link(share.LinkOptions{})
	keyed, _ := e.link(share.LinkOptions{TokenRequired: true})
	key := e.key("pets")

	for _, tc := range []struct{ method, path string }{
		{"DELETE", "/v1/pets/1"},   // x-mock-visibility: private
		{"GET", "/v1/admin/stats"}, // x-mock-visibility: private
		{"GET", "/v1/pets/1"},      // private by the project's policy
	} {
		for _, token := range []string{public, keyed} {
			status, h, body := e.call(tc.method, "/s/"+token+tc.path, "X-API-Key", key)
			requireNotFound(t, status, h, body)
		}
		// Refused before the guard: no 401 that would reveal the operation.
		status, h, body := e.call(tc.method, "/s/"+keyed+tc.path)
		requireNotFound(t, status, h, body)
	}

	// An operation whose own visibility is authenticated keeps needing a
	// key behind a public link; the others are open.
	status, _, body := e.call("POST", "/s/"+public+"/v1/pets", "Content-Type", "application/json")
	require.Equal(t, http.StatusUnauthorized, status, body)
	status, _, body = e.call("GET", "/s/"+public+"/v1/pets")
	require.Equal(t, http.StatusOK, status, body)
}

// sessionMock is a stand-in for the stateful CRUD mock: POST /v1/pets adds
// a pet to the request's session, GET /v1/pets lists them. It also notes
// what the share handler put in the context.
type sessionMock struct {
	mu       sync.Mutex
	pets     map[string][]string // by session
	sessions []string
	links    []string
}

func (m *sessionMock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	session, _ := mock.SessionFrom(r.Context())
	link, _ := share.LinkFrom(r.Context())
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions = append(m.sessions, session)
	m.links = append(m.links, link.ID)
	switch r.Method + " " + r.URL.Path {
	case "POST /v1/pets":
		b, _ := io.ReadAll(r.Body)
		m.pets[session] = append(m.pets[session], string(b))
		w.WriteHeader(http.StatusCreated)
	case "GET /v1/pets":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(m.pets[session])
	default:
		http.NotFound(w, r)
	}
}

func TestVisitorSessions(t *testing.T) {
	t.Parallel()
	sm := &sessionMock{pets: map[string][]string{"": {"base"}}}
	e := newEnv(t, envOptions{mock: sm})
	token, l := e.link(share.LinkOptions{})
	visitor := func() *http.Client {
		jar, err := cookiejar.New(nil)
		require.NoError(t, err)
		return &http.Client{Jar: jar}
	}
	alice, bob := visitor(), visitor()
	pets := "/s/" + token + "/v1/pets"
	list := func(c *http.Client, header ...string) []string {
		status, _, body := e.do(c, "GET", pets, nil, header...)
		require.Equal(t, http.StatusOK, status, body)
		var out []string
		require.NoError(t, json.Unmarshal([]byte(body), &out))
		return out
	}

	status, h, _ := e.do(alice, "POST", pets, strings.NewReader("rex"))
	require.Equal(t, http.StatusCreated, status)
	cookie := h.Get("Set-Cookie")
	require.Contains(t, cookie, "Path=/s/"+token)
	require.Contains(t, cookie, "HttpOnly")
	require.Contains(t, cookie, "SameSite=Lax")
	require.NotContains(t, cookie, "Secure", "not over plain HTTP")

	require.Equal(t, []string{"rex"}, list(alice))
	require.Empty(t, list(bob), "bob does not see alice's write")
	status, _, _ = e.do(bob, "POST", pets, strings.NewReader("tom"))
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, []string{"tom"}, list(bob))
	require.Equal(t, []string{"rex"}, list(alice))

	// X-Mock-Session chooses the session, for clients without cookies.
	require.Empty(t, list(http.DefaultClient, mock.SessionHeader, "qa-1"))
	status, _, _ = e.do(http.DefaultClient, "POST", pets, strings.NewReader("kit"), mock.SessionHeader, "qa-1")
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, []string{"kit"}, list(http.DefaultClient, mock.SessionHeader, "qa-1"))
	status, _, body := e.do(http.DefaultClient, "GET", pets, nil, mock.SessionHeader, "bad session!")
	require.Equal(t, http.StatusBadRequest, status, body)

	sm.mu.Lock()
	defer sm.mu.Unlock()
	require.Equal(t, []string{"base"}, sm.pets[""], "the owner's base data is untouched")
	for i, s := range sm.sessions {
		require.True(t, strings.HasPrefix(s, "link:"+l.ID+":"), s)
		require.Equal(t, l.ID, sm.links[i])
	}
	require.Len(t, sm.pets, 4, "base, alice, bob and qa-1")
	require.Contains(t, sm.pets, "link:"+l.ID+":qa-1")
}

func TestRecord(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	token, l := e.link(share.LinkOptions{TokenRequired: true})
	key := e.key("pets")
	_, keyRec, err := func() (string, *store.Key, error) {
		ks, err := e.st.Keys().List(context.Background(), "")
		return "", ks[0], err
	}()
	require.NoError(t, err)

	status, _, _ := e.call("GET", "/s/"+token+"/v1/pets?limit=5&apidogToken=secret", "X-API-Key", key)
	require.Equal(t, http.StatusOK, status)
	status, _, _ = e.call("GET", "/s/"+token+"/v1/pets")
	require.Equal(t, http.StatusUnauthorized, status)
	status, _, _ = e.call("GET", "/s/"+share.TokenPrefix+"nope/v1/pets")
	require.Equal(t, http.StatusNotFound, status)

	e.mu.Lock()
	defer e.mu.Unlock()
	require.Len(t, e.entries, 2, "a request without a link is not recorded")
	got := e.entries[0]
	require.Equal(t, "pets", got.Project)
	require.Equal(t, "listPets", got.Operation)
	require.Equal(t, "GET", got.Method)
	require.Equal(t, "/v1/pets", got.Path, "no query string, no token")
	require.Equal(t, http.StatusOK, got.Status)
	require.Equal(t, l.ID, got.LinkID)
	require.Equal(t, keyRec.ID, got.KeyID)
	require.True(t, strings.HasPrefix(got.Session, "link:"+l.ID+":"))
	require.Positive(t, got.Latency)
	require.False(t, got.Time.IsZero())
	require.Equal(t, http.StatusUnauthorized, e.entries[1].Status)
	require.Empty(t, e.entries[1].KeyID)
	for _, en := range e.entries {
		b, _ := json.Marshal(en)
		require.NotContains(t, string(b), token)
		require.NotContains(t, string(b), key)
	}
}

func TestRateLimitPerLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{rate: auth.Limit{Requests: 2, Per: time.Hour}})
	a, _ := e.link(share.LinkOptions{})
	b, _ := e.link(share.LinkOptions{})
	for range 2 {
		status, _, _ := e.call("GET", "/s/"+a+"/v1/pets")
		require.Equal(t, http.StatusOK, status)
	}
	status, h, body := e.call("GET", "/s/"+a+"/v1/pets")
	require.Equal(t, http.StatusTooManyRequests, status, body)
	require.NotEmpty(t, h.Get("Retry-After"))
	status, _, _ = e.call("GET", "/s/"+b+"/v1/pets")
	require.Equal(t, http.StatusOK, status, "another link has its own limit")
}

func TestPageAndExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	token, _ := e.link(share.LinkOptions{TokenRequired: true})
	shareURL := e.srv.URL + "/s/" + token + "/"

	// Without the slash: a redirect to the slash form, keeping the query.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status, h, _ := e.do(noFollow, "GET", "/s/"+token+"?format=openapi", nil)
	require.Equal(t, http.StatusMovedPermanently, status)
	require.Equal(t, "/s/"+token+"/?format=openapi", h.Get("Location"))

	status, h, page := e.call("GET", "/s/"+token, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	require.Equal(t, http.StatusOK, status, page)
	require.Equal(t, "text/html; charset=utf-8", h.Get("Content-Type"))
	require.Equal(t, "no-store", h.Get("Cache-Control"))
	require.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
	require.NotContains(t, page, "<script")
	require.Contains(t, page, "Pets for partners")
	require.Contains(t, page, "Pets to adopt, for the share tests.")
	for _, op := range []struct{ id, method, path, summary string }{
		{"listPets", "GET", "/v1/pets", "List the pets"},
		{"createPet", "POST", "/v1/pets", "Add a pet"},
		{"getPet", "GET", "/v1/pets/{petId}", "Get one pet"},
		{"health", "GET", "/health", "Is it up?"},
	} {
		require.Contains(t, page, `data-operation="`+op.id+`"`)
		require.Contains(t, page, ">"+op.method+"<")
		require.Contains(t, page, ">"+op.path+"<")
		require.Contains(t, page, op.summary)
	}
	require.NotContains(t, page, "deletePet")
	require.NotContains(t, page, "Internal statistics")
	require.Contains(t, page, "curl -X POST &#39;"+shareURL+"v1/pets&#39;")
	// An item's command names a seeded record, so copying it finds one.
	require.Contains(t, page, "curl &#39;"+shareURL+"v1/pets/1&#39;")
	status, _, got := e.call("GET", "/s/"+token+"/v1/pets/1", "X-API-Key", e.key("pets"))
	require.Equal(t, http.StatusOK, status, got)
	require.Contains(t, page, "X-API-Key: &lt;API_KEY&gt;")
	require.Contains(t, page, "How many pets to return")
	require.Contains(t, page, "&#34;Rex&#34;", "the example response")

	key := e.key("pets")
	for _, req := range [][]string{
		{"/s/" + token + "/?format=openapi"},
		{"/s/" + token + "/", "Accept", "application/json"},
	} {
		status, _, body := e.call("GET", req[0], req[1:]...)
		require.Equal(t, http.StatusUnauthorized, status, "a link that needs a key gives its description only with one: %s", body)
		status, h, body := e.call("GET", req[0], append(req[1:], "X-API-Key", key)...)
		require.Equal(t, http.StatusOK, status, body)
		// What only hidden operations used goes with them, and so do the
		// author's own extensions (security M2).
		require.NotContains(t, body, "ceo-private@example.com")
		require.NotContains(t, body, `"Stats"`)
		require.NotContains(t, body, "ops-lead@example.com")
		require.Contains(t, body, `"NewPet"`, "components the visible operations use stay")
		require.Equal(t, "application/json", h.Get("Content-Type"))
		doc, err := openapi.Parse(context.Background(), []byte(body))
		require.NoError(t, err)
		require.Equal(t, strings.TrimSuffix(shareURL, "/")+"/v1", doc.Kin().Servers[0].URL)
		var ids []string
		for _, op := range doc.Operations() {
			ids = append(ids, op.ID)
		}
		require.ElementsMatch(t, []string{"listPets", "createPet", "getPet", "health"}, ids)
	}
	// The cached document is untouched.
	require.Equal(t, "https://api.example.com/v1", e.doc.Kin().Servers[0].URL)
	require.NotNil(t, e.doc.Operation("deletePet"))
}

// TestLinkHandsOnTheRequest pins what the mock behind a link receives: the
// path inside the link, the client's headers and the request URI as sent;
// the request the share handler was given keeps its own URL.
func TestLinkHandsOnTheRequest(t *testing.T) {
	t.Parallel()
	var path, header, uri string
	m := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, header, uri = r.URL.Path, r.Header.Get("X-Client"), r.RequestURI
		w.WriteHeader(http.StatusNoContent)
	})
	e := newEnv(t, envOptions{mock: m})
	token, _ := e.link(share.LinkOptions{})
	target := "/s/" + token + "/v1/pets?limit=2"
	r := httptest.NewRequest("GET", target, nil)
	r.Header.Set("X-Client", "c1")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	require.Equal(t, "/v1/pets", path)
	require.Equal(t, "c1", header)
	require.Equal(t, target, uri)
	require.Equal(t, "/s/"+token+"/v1/pets", r.URL.Path, "the outer request is unchanged")
	require.Equal(t, "limit=2", r.URL.RawQuery)
}
