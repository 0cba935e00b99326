package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

const project = "proj-1"

// matrixSpec has one operation per way an operation can set its visibility.
const matrixSpec = `
openapi: 3.0.3
info: {title: Matrix, version: "1"}
paths:
  /inherit:
    get: {operationId: inherit, responses: {"200": {description: ok}}}
  /spec-public:
    get: {operationId: specPublic, x-mock-visibility: public, responses: {"200": {description: ok}}}
  /spec-private:
    get: {operationId: specPrivate, x-mock-visibility: private, responses: {"200": {description: ok}}}
  /spec-authenticated:
    get: {operationId: specAuthenticated, x-mock-visibility: authenticated, responses: {"200": {description: ok}}}
  /go-public:
    get: {operationId: goPublic, x-mock-visibility: private, responses: {"200": {description: ok}}}
  /go-private:
    get: {operationId: goPrivate, x-mock-visibility: public, responses: {"200": {description: ok}}}
  /typo:
    get: {operationId: typo, x-mock-visibility: pubilc, responses: {"200": {description: ok}}}
`

func loadDoc(t testing.TB, spec string) *openapi.Document {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	return doc
}

// testAuthenticator vouches for the user in X-User, with the teams in
// X-Teams; "X-User: bad" is a credential it rejects.
func testAuthenticator(r *http.Request) (*auth.Principal, error) {
	u := r.Header.Get("X-User")
	switch u {
	case "":
		return nil, nil
	case "bad":
		return nil, errors.New("bad session")
	}
	p := &auth.Principal{UserID: u}
	if ts := r.Header.Get("X-Teams"); ts != "" {
		p.Teams = strings.Split(ts, ",")
	}
	return p, nil
}

// testMembership knows that carol is in team-a.
var testMembership = auth.MembershipFunc(func(_ context.Context, user, team string) (bool, error) {
	return user == "carol" && team == "team-a", nil
})

// env is a guard over a memory store.
type env struct {
	st    *store.Store
	guard *auth.Guard
}

func newEnv(t testing.TB, o auth.Options) *env {
	t.Helper()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	o.Keys = st.Keys()
	g := auth.NewGuard(o)
	t.Cleanup(func() { _ = g.Close() })
	return &env{st: st, guard: g}
}

// key stores a new key, changed by edit before it is stored, and returns
// its secret.
func (e *env) key(t testing.TB, edit func(*store.Key), projects ...string) string {
	t.Helper()
	s, k := auth.NewKey("test", projects...)
	if edit != nil {
		edit(k)
	}
	require.NoError(t, e.st.Keys().Create(context.Background(), k))
	return s
}

// echo answers 200 with the principal it was let in as.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		http.Error(w, "no principal", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(p)
})

type problemDoc struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func do(t testing.TB, h http.Handler, r *http.Request) (*httptest.ResponseRecorder, problemDoc) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var p problemDoc
	if w.Code != http.StatusOK {
		require.Equal(t, "application/problem+json", w.Header().Get("Content-Type"), w.Body.String())
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p))
		require.Equal(t, w.Code, p.Status)
	}
	return w, p
}

type outcome struct {
	status int
	code   string
}

var (
	ok           = outcome{200, ""}
	needAuth     = outcome{401, "AUTHENTICATION_REQUIRED"}
	invalidKey   = outcome{401, "INVALID_API_KEY"}
	forbidden    = outcome{403, "FORBIDDEN"}
	notFound     = outcome{404, "NOT_FOUND"}
	unauthorized = []outcome{needAuth, invalidKey}
)

func TestVisibilityMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{Authenticator: testAuthenticator, Membership: testMembership})
	doc := loadDoc(t, matrixSpec)
	past := time.Now().Add(-time.Hour)

	valid := e.key(t, nil, project)
	unscoped := e.key(t, nil)
	other := e.key(t, nil, "proj-2")
	expired := e.key(t, func(k *store.Key) { k.ExpiresAt = past }, project)
	revoked := e.key(t, nil, project)
	rk, err := e.st.Keys().Lookup(context.Background(), auth.HashKey(revoked))
	require.NoError(t, err)
	require.NoError(t, e.st.Keys().Revoke(context.Background(), rk.ID, time.Now()))
	last := byte('A')
	if valid[len(valid)-1] == last {
		last = 'B'
	}
	wrongSum := valid[:len(valid)-1] + string(last)
	typo := valid[:5] + string(valid[5]^1) + valid[6:] // one character off: the checksum catches it
	headers := func(kv ...string) func(*http.Request) {
		return func(r *http.Request) {
			for i := 0; i < len(kv); i += 2 {
				r.Header.Set(kv[i], kv[i+1])
			}
		}
	}
	bearer := func(s string) func(*http.Request) { return headers("Authorization", "Bearer "+s) }

	// What each credential gets, by the operation's effective visibility.
	creds := []struct {
		name                        string
		set                         func(*http.Request)
		public, authenticated, priv outcome
	}{
		{"none", headers(), ok, needAuth, needAuth},
		{"valid key", bearer(valid), ok, ok, ok},
		{"unscoped key", headers("X-API-Key", unscoped), ok, ok, ok},
		{"key for another project", bearer(other), ok, forbidden, forbidden},
		{"expired key", bearer(expired), ok, invalidKey, invalidKey},
		{"revoked key", bearer(revoked), ok, invalidKey, invalidKey},
		{"malformed key", bearer("mk_short"), ok, invalidKey, invalidKey},
		{"not a key", headers("X-API-Key", "hunter2"), ok, invalidKey, invalidKey},
		{"wrong checksum", bearer(wrongSum), ok, invalidKey, invalidKey},
		{"typo in key", bearer(typo), ok, invalidKey, invalidKey},
		{"team member by principal", headers("X-User", "bob", "X-Teams", "team-z,team-a"), ok, ok, ok},
		{"team member by Membership", headers("X-User", "carol"), ok, ok, ok},
		{"outsider", headers("X-User", "mallory", "X-Teams", "team-z"), ok, ok, forbidden},
		{"owner", headers("X-User", "alice"), ok, ok, ok},
		{"rejected session", headers("X-User", "bad"), ok, needAuth, needAuth},
	}
	// Where the operation's visibility comes from, and what it is.
	ops := []struct {
		path     string
		override store.Visibility // "": the project's
	}{
		{"/inherit", ""},
		{"/spec-public", store.Public},
		{"/spec-private", store.Private},
		{"/spec-authenticated", store.Authenticated},
		{"/go-public", store.Public},   // Go wins over the spec's private
		{"/go-private", store.Private}, // Go wins over the spec's public
		{"/typo", store.Private},       // not a visibility: fails closed
		{"/no-such-path", ""},          // unrouted: the project's
	}
	for _, vis := range []store.Visibility{store.Public, store.Authenticated, store.Private} {
		for _, hide := range []bool{false, true} {
			policy := &auth.Policy{
				Project: project, Visibility: vis, Document: doc,
				Operations:  map[string]store.Visibility{"goPublic": store.Public, "goPrivate": store.Private, "inherit": auth.Inherit},
				Owner:       "alice",
				Team:        "team-a",
				HideProject: hide,
			}
			h := e.guard.Protect(policy)(echo)
			for _, op := range ops {
				eff := op.override
				if eff == "" {
					eff = vis
				}
				for _, c := range creds {
					want := map[store.Visibility]outcome{store.Public: c.public, store.Authenticated: c.authenticated, store.Private: c.priv}[eff]
					if hide && vis == store.Private && eff != store.Public && want.status/100 == 4 {
						want = notFound // neither 401 nor 403 tells the project exists
					}
					name := string(vis) + "/" + op.path + "/" + c.name
					if hide {
						name += "/hidden"
					}
					r := httptest.NewRequest(http.MethodGet, op.path, nil)
					c.set(r)
					w, p := do(t, h, r)
					if !assert.Equal(t, want, outcome{w.Code, p.Code}, name) {
						continue
					}
					switch want {
					case needAuth:
						assert.True(t, strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer realm="), name)
					case invalidKey:
						assert.Contains(t, w.Header().Get("WWW-Authenticate"), `error="invalid_token"`, name)
					}
				}
			}
		}
	}
}

func TestPrincipal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, auth.Options{Authenticator: testAuthenticator})
	s := e.key(t, func(k *store.Key) { k.Owner = "alice" }, project)
	h := e.guard.Protect(&auth.Policy{Project: project, Visibility: store.Public})(echo)
	for _, tc := range []struct {
		name string
		set  func(*http.Request)
		want auth.Principal
	}{
		{"anonymous", func(*http.Request) {}, auth.Principal{}},
		{"key", func(r *http.Request) { r.Header.Set("X-API-Key", s) }, auth.Principal{UserID: "alice", Method: "key"}},
		{"bad key on a public operation", func(r *http.Request) { r.Header.Set("X-API-Key", "mk_nope") }, auth.Principal{}},
		{"session", func(r *http.Request) { r.Header.Set("X-User", "bob"); r.Header.Set("X-Teams", "t") },
			auth.Principal{UserID: "bob", Teams: []string{"t"}, Method: "authenticator"}},
		{"link", func(r *http.Request) { *r = *r.WithContext(auth.ContextWithLinkID(r.Context(), "link-9")) },
			auth.Principal{LinkID: "link-9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			tc.set(r)
			w, _ := do(t, h, r)
			require.Equal(t, http.StatusOK, w.Code)
			var got auth.Principal
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
			if tc.want.Method == "key" {
				require.NotEmpty(t, got.KeyID)
				got.KeyID = ""
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestNewKeyAndCheckKey(t *testing.T) {
	t.Parallel()
	s, k := auth.NewKey("ci", "p1", "p2")
	require.NoError(t, auth.CheckKey(s))
	require.True(t, strings.HasPrefix(s, "mk_"))
	require.Len(t, s, 36)
	require.Equal(t, auth.HashKey(s), k.Hash)
	for _, x := range []string{"", s, s + s} {
		require.Equal(t, secret.Hash(x), auth.HashKey(x))
	}
	require.Len(t, k.Hash, 64)
	require.True(t, strings.HasPrefix(s, k.Prefix))
	require.Len(t, k.Prefix, 7)
	require.Equal(t, []string{"p1", "p2"}, k.Projects)
	require.Equal(t, "ci", k.Name)
	require.False(t, k.CreatedAt.IsZero())

	s2, _ := auth.NewKey("ci")
	require.NotEqual(t, s, s2)

	// Every single-character change is caught offline.
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 3; i < len(s); i++ {
		for _, c := range []byte(alphabet) {
			if c == s[i] {
				continue
			}
			bad := s[:i] + string(c) + s[i+1:]
			require.ErrorIs(t, auth.CheckKey(bad), auth.ErrMalformedKey, "position %d", i)
		}
	}
	for _, bad := range []string{"", "mk_", s[:35], s + "A", "xx" + s[2:], strings.Replace(s, s[10:11], "!", 1)} {
		err := auth.CheckKey(bad)
		require.ErrorIs(t, err, auth.ErrMalformedKey)
		if bad != "" {
			require.NotContains(t, err.Error(), bad)
		}
	}
}
