package auth_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// syncBuffer is a log sink safe for concurrent writes.
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

// No answer, header or log line (the guard's at debug level, and the mock
// handler's behind it) contains a secret the request carried, whatever the
// outcome and wherever the secret was.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, auth.Options{Logger: logger})
	doc := loadDoc(t, matrixSpec)
	m, err := mock.New(doc, mock.WithLogger(logger))
	require.NoError(t, err)

	valid := e.key(t, nil, project)
	other := e.key(t, nil, "proj-2")
	revoked := e.key(t, nil, project)
	rk, err := e.st.Keys().Lookup(context.Background(), auth.HashKey(revoked))
	require.NoError(t, err)
	require.NoError(t, e.st.Keys().Revoke(context.Background(), rk.ID, time.Now()))
	typo := valid[:9] + "~" + valid[10:]
	secrets := []string{valid, other, revoked, typo, "mk_" + strings.Repeat("s", 40), "not-a-key-but-secret"}

	h := e.guard.Protect(&auth.Policy{
		Project: project, Visibility: store.Private, Document: doc, AllowQueryToken: true,
		RateLimit: auth.Limit{Requests: 2, Per: time.Hour},
	})(m)
	put := map[string]func(*http.Request, string){
		"bearer":  func(r *http.Request, s string) { r.Header.Set("Authorization", "Bearer "+s) },
		"api key": func(r *http.Request, s string) { r.Header.Set("X-API-Key", s) },
		"header":  func(r *http.Request, s string) { r.Header.Set("apidogToken", s) },
		"query":   func(r *http.Request, s string) { r.URL.RawQuery = "apidogToken=" + url.QueryEscape(s) },
		"form": func(r *http.Request, s string) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			body := url.Values{"apidogToken": {s}}.Encode()
			r.Body, r.ContentLength = httpBody(body), int64(len(body))
		},
	}
	statuses := map[int]bool{}
	var answers strings.Builder
	for _, path := range []string{"/inherit", "/spec-public", "/spec-private", "/nowhere"} {
		for _, s := range secrets {
			for _, set := range put {
				for range 2 { // the second round meets rate limits
					r := httptest.NewRequest("GET", path, nil)
					set(r, s)
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					statuses[w.Code] = true
					answers.WriteString(w.Body.String())
					for name, vs := range w.Header() {
						answers.WriteString(name + ": " + strings.Join(vs, ",") + "\n")
					}
				}
			}
		}
	}
	for _, want := range []int{200, 401, 403, 429} {
		require.True(t, statuses[want], "no answer with status %d: the test does not cover it", want)
	}
	require.Contains(t, logs.String(), "auth: refused", "the guard logged its refusals")
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), s[4:20]} {
			require.NotContains(t, answers.String(), form)
			require.NotContains(t, logs.String(), form)
		}
	}
}

func httpBody(s string) *readCloser { return &readCloser{strings.NewReader(s)} }

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// failingKeys is a key store that is down.
type failingKeys struct{ auth.KeyStore }

func (failingKeys) Lookup(context.Context, string) (*store.Key, error) {
	return nil, errors.New("connection refused")
}

// A store failure is a 503, never a silent pass, except where anyone may
// call anyway.
func TestStoreDown(t *testing.T) {
	t.Parallel()
	g := auth.NewGuard(auth.Options{Keys: failingKeys{}})
	defer g.Close()
	s, _ := auth.NewKey("k", project)
	for vis, want := range map[store.Visibility]int{store.Private: 503, store.Authenticated: 503, store.Public: 200} {
		h := g.Protect(&auth.Policy{Project: project, Visibility: vis})(echo)
		w, p := do(t, h, req(withKey(s)))
		require.Equal(t, want, w.Code, vis)
		if want == 503 {
			require.Equal(t, "SERVICE_UNAVAILABLE", p.Code)
			require.NotEmpty(t, w.Header().Get("Retry-After"))
		}
	}
}

// Through a share link, an operation whose own visibility is private does
// not exist; the rest follows the policy.
func TestLinkHidesPrivateOperations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{})
	doc := loadDoc(t, matrixSpec)
	s := e.key(t, nil, project)
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public, Document: doc,
		Operations: map[string]store.Visibility{"goPrivate": store.Private, "goPublic": store.Public}})(echo)
	for path, want := range map[string]outcome{
		"/inherit": ok, "/spec-public": ok, "/spec-private": notFound, "/go-private": notFound, "/go-public": ok,
	} {
		r := req(viaLink("L1"), withKey(s))
		r.URL.Path = path
		w, p := do(t, h, r)
		require.Equal(t, want, outcome{w.Code, p.Code}, path)
		// Without the link, a valid key opens the private operations.
		r = req(withKey(s))
		r.URL.Path = path
		w, _ = do(t, h, r)
		require.Equal(t, 200, w.Code, path)
	}
}

// The guard leaves its routing result for the handler behind.
func TestMatchInContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{})
	doc := loadDoc(t, matrixSpec)
	var got string
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public, Document: doc})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if m, ok := openapi.MatchFrom(r.Context()); ok {
				got = m.Operation.ID
			}
		}))
	w, _ := do(t, h, httptest.NewRequest("GET", "/spec-public", nil))
	require.Equal(t, 200, w.Code)
	require.Equal(t, "specPublic", got)
}

// A match another document made (another API, or another version of this
// one) does not decide the visibility: the guard routes against its own
// document and leaves that match for the handler behind.
func TestForeignMatchIsRoutedAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{})
	doc := loadDoc(t, matrixSpec)
	foreign := loadDoc(t, `
openapi: 3.0.3
info: {title: Foreign, version: "2"}
paths:
  /spec-private:
    get: {operationId: foreignPublic, x-mock-visibility: public, responses: {"200": {description: ok}}}
  /spec-public:
    get: {operationId: foreignPrivate, x-mock-visibility: private, responses: {"200": {description: ok}}}
`)
	var got openapi.Match
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public, Document: doc})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, _ = openapi.MatchFrom(r.Context())
		}))
	tests := []struct {
		path   string
		want   outcome
		wantOp string
	}{
		{"/spec-private", needAuth, ""},
		{"/spec-public", ok, "specPublic"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got = openapi.Match{}
			r := httptest.NewRequest("GET", tt.path, nil)
			m, err := foreign.Match(r)
			require.NoError(t, err)
			r = r.WithContext(openapi.ContextWithMatch(r.Context(), m))
			w, p := do(t, h, r)
			require.Equal(t, tt.want, outcome{w.Code, p.Code})
			if tt.wantOp != "" {
				require.NotNil(t, got.Operation)
				assert.Equal(t, tt.wantOp, got.Operation.ID)
				assert.Same(t, doc, got.Document())
			}
		})
	}
}
