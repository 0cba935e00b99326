package mockapi

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/dashboard"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// syncBuffer is a log output tests read while the Server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// dashEnv is a Server with its dashboard, the server log, and a browser
// (a cookie jar that does not follow redirects).
type dashEnv struct {
	t    *testing.T
	s    *Server
	url  string
	log  *syncBuffer
	http *http.Client
	csrf string // the CSRF token of the last page read
}

func newDashEnv(t *testing.T, opts ...func(*Options)) *dashEnv {
	t.Helper()
	st := memory.New(store.WithTouchInterval(20 * time.Millisecond))
	t.Cleanup(func() { _ = st.Close() })
	logs := &syncBuffer{}
	o := Options{Store: st, AdminToken: adminToken, MockOptions: []mock.Option{mock.WithSeed(1)},
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, f := range opts {
		f(&o)
	}
	s, err := New(o)
	require.NoError(t, err)
	ts := httptest.NewServer(adminContract(t, s))
	t.Cleanup(func() {
		ts.Close()
		require.NoError(t, s.Close())
	})
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &dashEnv{t: t, s: s, url: ts.URL, log: logs, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends a request as the browser would, and reads the CSRF token of an
// HTML answer.
func (e *dashEnv) do(method, path string, body io.Reader, contentType string, headers ...string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, body)
	require.NoError(e.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.http.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	if m := csrfRe.FindSubmatch(b); m != nil {
		e.csrf = html.UnescapeString(string(m[1]))
	}
	return resp, string(b)
}

func (e *dashEnv) get(path string) (*http.Response, string) {
	e.t.Helper()
	return e.do("GET", path, nil, "")
}

// post sends a form with the page's CSRF token (unless the form has one).
func (e *dashEnv) post(path string, form url.Values, headers ...string) (*http.Response, string) {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrf") {
		form.Set("csrf", e.csrf)
	}
	return e.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", headers...)
}

// signIn signs the browser in with the admin token.
func (e *dashEnv) signIn() {
	e.t.Helper()
	resp, _ := e.get(DashboardPath + "/login")
	require.Equal(e.t, http.StatusOK, resp.StatusCode)
	resp, _ = e.post(DashboardPath+"/login", url.Values{"token": {adminToken}})
	require.Equal(e.t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(e.t, DashboardPath+"/", resp.Header.Get("Location"))
	resp, _ = e.get(DashboardPath + "/")
	require.Equal(e.t, http.StatusOK, resp.StatusCode)
}

// flash follows a redirect and returns the page it leads to.
func (e *dashEnv) follow(resp *http.Response) string {
	e.t.Helper()
	require.Equal(e.t, http.StatusSeeOther, resp.StatusCode)
	next, body := e.get(resp.Header.Get("Location"))
	require.Equal(e.t, http.StatusOK, next.StatusCode, body)
	return body
}

func (e *dashEnv) createProject(id, spec string, vis store.Visibility) {
	e.t.Helper()
	_, err := e.s.CreateProject(context.Background(), NewProject{ID: id, Spec: []byte(spec), Visibility: vis})
	require.NoError(e.t, err)
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestDashboardSignIn(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)

	// Without a session every page leads to the sign-in page.
	for _, path := range []string{"/", "/keys", "/projects/x", "/analytics", "/nowhere"} {
		resp, _ := e.get(DashboardPath + path)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode, path)
		assert.Equal(t, DashboardPath+"/login", resp.Header.Get("Location"), path)
	}
	resp, _ := e.get(DashboardPath)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)

	resp, body := e.get(DashboardPath + "/login")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, dashboard.CSP, resp.Header.Get("Content-Security-Policy"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	assert.Contains(t, body, `<label for="token">`)
	assert.NotContains(t, body, "<script>", "no inline script")
	assert.NotContains(t, body, "style=", "no inline style")

	for _, tc := range []struct {
		name    string
		form    url.Values
		headers []string
		want    int
	}{
		{"wrong token", url.Values{"token": {"test-admin-token-0123456789abcdefghiX"}}, nil, http.StatusUnauthorized},
		{"empty token", url.Values{"token": {""}}, nil, http.StatusUnauthorized},
		{"no CSRF token", url.Values{"token": {adminToken}, "csrf": {""}}, nil, http.StatusForbidden},
		{"another CSRF token", url.Values{"token": {adminToken}, "csrf": {dashboard.NewToken()}}, nil, http.StatusForbidden},
		{"another site's form", url.Values{"token": {adminToken}}, []string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"a cross-site fetch", url.Values{"token": {adminToken}}, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"a form larger than a sign-in", url.Values{"token": {adminToken}, "pad": {strings.Repeat("x", maxLoginBody)}}, nil, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.get(DashboardPath + "/login") // a fresh CSRF token
			resp, body := e.post(DashboardPath+"/login", tc.form, tc.headers...)
			assert.Equal(t, tc.want, resp.StatusCode)
			assert.Nil(t, cookieNamed(resp, sessionCookie), "no session")
			assert.Contains(t, body, `role="alert"`)
		})
	}
	assert.Equal(t, 0, e.s.dash.sessions.Len())

	e.get(DashboardPath + "/login")
	resp, _ = e.post(DashboardPath+"/login", url.Values{"token": {" " + adminToken + "\n"}},
		"Origin", e.url, "Sec-Fetch-Site", "same-origin")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	ck := cookieNamed(resp, sessionCookie)
	require.NotNil(t, ck)
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
	assert.Equal(t, DashboardPath+"/", ck.Path)
	assert.GreaterOrEqual(t, len(ck.Value), 22, "at least 128 bits")
	assert.NotContains(t, ck.Value, adminToken)
	assert.Equal(t, 1, e.s.dash.sessions.Len())

	resp, body = e.get(DashboardPath + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "<h1>Projects</h1>")
	assert.NotContains(t, body, adminToken)
	resp, _ = e.get(DashboardPath + "/login")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "a signed-in browser skips the sign-in page")

	// The session cookie is no Bearer credential for the JSON API.
	resp, _ = e.get("/_admin/projects")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// Signing out ends the session on the server: the old cookie no
	// longer opens anything.
	resp, _ = e.post(DashboardPath+"/logout", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, 0, e.s.dash.sessions.Len())
	req, _ := http.NewRequest("GET", e.url+DashboardPath+"/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: ck.Value})
	old, err := e.http.Do(req)
	require.NoError(t, err)
	old.Body.Close()
	assert.Equal(t, http.StatusSeeOther, old.StatusCode)

	assert.NotContains(t, e.log.String(), adminToken, "the admin token is never logged")
	assert.Equal(t, 1, strings.Count(e.log.String(), "a sign-in with a wrong token was refused"), "once per burst")
	assert.NotContains(t, e.log.String(), "test-admin-token-0123456789abcdefghiX", "nor what was typed instead")
}

func TestDashboardSessionExpiry(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t, func(o *Options) { o.DashboardSessionTTL = time.Hour })
	now := time.Now()
	var mu sync.Mutex
	e.s.dash.sessions.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	e.signIn()
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{
		{0, http.StatusOK},
		{59 * time.Minute, http.StatusOK}, // activity does not extend it
		{time.Minute, http.StatusSeeOther},
		{time.Hour, http.StatusSeeOther},
	} {
		advance(tc.after)
		resp, _ := e.get(DashboardPath + "/keys")
		assert.Equal(t, tc.want, resp.StatusCode, "after %v more", tc.after)
	}
	assert.Equal(t, 0, e.s.dash.sessions.Len(), "an expired session is forgotten")
	// A form posted with an expired session changes nothing.
	resp, _ := e.post(DashboardPath+"/keys", url.Values{"name": {"late"}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	ks, err := e.s.ListKeys(context.Background(), "")
	require.NoError(t, err)
	assert.Empty(t, ks)
}

// TestDashboardCSRF posts every form of the dashboard without its token,
// with another session's token and from another site: each is refused
// with 403 and changes nothing.
func TestDashboardCSRF(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	e.createProject("pets", petsSpec, store.Public)
	ctx := context.Background()
	_, k, err := e.s.CreateKey(ctx, NewKey{Name: "ci"})
	require.NoError(t, err)
	_, l, err := e.s.CreateLink(ctx, "pets", share.LinkOptions{Name: "demo"})
	require.NoError(t, err)
	e.signIn()
	p0, err := e.s.Project(ctx, "pets")
	require.NoError(t, err)

	// Another browser's session: its token is no good here.
	other := newDashEnvSharing(t, e)
	other.signIn()
	require.NotEqual(t, e.csrf, other.csrf)

	forms := []struct {
		path string
		form url.Values
	}{
		{"/projects", url.Values{"id": {"new"}, "spec": {petsSpec}}},
		{"/projects/pets/settings", url.Values{"name": {"Changed"}, "visibility": {"private"}}},
		{"/projects/pets/spec", url.Values{"spec": {petsSpec}}},
		{"/projects/pets/reset", nil},
		{"/projects/pets/delete", url.Values{"confirm": {"pets"}}},
		{"/projects/pets/links", url.Values{"name": {"x"}}},
		{"/keys", url.Values{"name": {"x"}}},
		{"/keys/" + k.ID, url.Values{"name": {"renamed"}}},
		{"/keys/" + k.ID + "/rotate", url.Values{"grace": {"0s"}}},
		{"/keys/" + k.ID + "/revoke", nil},
		{"/links/" + l.ID, url.Values{"name": {"renamed"}}},
		{"/links/" + l.ID + "/regenerate", nil},
		{"/links/" + l.ID + "/revoke", nil},
		{"/logout", nil},
	}
	for _, f := range forms {
		for _, tc := range []struct {
			name    string
			csrf    string
			headers []string
		}{
			{"no token", "", nil},
			{"another session's token", other.csrf, nil},
			{"a guessed token", dashboard.NewToken(), nil},
			{"another site", e.csrf, []string{"Origin", "https://evil.example"}},
			{"a cross-site request", e.csrf, []string{"Sec-Fetch-Site", "cross-site"}},
		} {
			form := url.Values{}
			for k, v := range f.form {
				form[k] = v
			}
			form.Set("csrf", tc.csrf)
			resp, _ := e.post(DashboardPath+f.path, form, tc.headers...)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s: %s", f.path, tc.name)
		}
	}

	// Nothing changed.
	p, err := e.s.Project(ctx, "pets")
	require.NoError(t, err)
	assert.Equal(t, p0.Version, p.Version)
	ps, err := e.s.ListProjects(ctx, store.ProjectFilter{})
	require.NoError(t, err)
	assert.Len(t, ps, 1)
	ks, err := e.s.ListKeys(ctx, "")
	require.NoError(t, err)
	require.Len(t, ks, 1)
	assert.Equal(t, "ci", ks[0].Name)
	assert.True(t, ks[0].RevokedAt.IsZero())
	ls, err := e.s.ListLinks(ctx, "pets")
	require.NoError(t, err)
	require.Len(t, ls, 1)
	assert.Equal(t, l.Hash, ls[0].Hash)
	assert.True(t, ls[0].RevokedAt.IsZero())
	assert.Equal(t, 2, e.s.dash.sessions.Len(), "nobody was signed out")

	// The same form with the session's own token goes through.
	resp, _ := e.post(DashboardPath+"/keys/"+k.ID, url.Values{"name": {"renamed"}, "active": {"on"}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
}

// newDashEnvSharing is another browser on e's server.
func newDashEnvSharing(t *testing.T, e *dashEnv) *dashEnv {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &dashEnv{t: t, s: e.s, url: e.url, log: e.log, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}
