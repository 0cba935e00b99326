package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

func TestUserTokenShape(t *testing.T) {
	t.Parallel()
	s, tok := auth.NewUserToken()
	require.True(t, strings.HasPrefix(s, auth.UserTokenPrefix))
	assert.NoError(t, auth.CheckUserToken(s))
	assert.Equal(t, auth.HashKey(s), tok.Hash)
	assert.Equal(t, s[:7], tok.Prefix)
	assert.NotContains(t, tok.Hash, s[3:], "only the hash is kept")
	for _, bad := range []string{"", s[:len(s)-1], "mk_" + s[3:], s[:10] + "A" + s[11:]} {
		assert.ErrorIs(t, auth.CheckUserToken(bad), auth.ErrMalformedKey, bad)
	}
	assert.Error(t, auth.CheckKey(s), "a user token is not an API key")
	other, _ := auth.NewUserToken()
	assert.NotEqual(t, s, other)
}

// userFixture is a store with users ada (owner of "mine", member of team
// core), bob (in no team) and a revoked carl, and a guard that reads user
// tokens through UserTokens and teams through the store.
type userFixture struct {
	st            *store.Store
	guard         *auth.Guard
	ada, bob, old string
	adaID         string
}

func newUserFixture(t *testing.T) *userFixture {
	t.Helper()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	f := &userFixture{st: st}
	mk := func(name string) (string, string) {
		secret, tok := auth.NewUserToken()
		u := &store.User{Name: name, Email: name + "@example.com"}
		require.NoError(t, st.Users().Create(t.Context(), u, tok))
		return secret, u.ID
	}
	f.ada, f.adaID = mk("ada")
	f.bob, _ = mk("bob")
	var carl string
	f.old, carl = mk("carl")
	require.NoError(t, st.Users().RevokeTokens(t.Context(), carl))
	require.NoError(t, st.Teams().Create(t.Context(), &store.Team{ID: "core", Name: "Core"}, f.adaID))
	f.guard = auth.NewGuard(auth.Options{
		Authenticator: auth.UserTokens(st.Users()),
		Membership:    st.Teams(),
	})
	t.Cleanup(func() { _ = f.guard.Close() })
	return f
}

func (f *userFixture) call(p *auth.Policy, header, value string) (int, *auth.Principal) {
	var got *auth.Principal
	h := f.guard.Protect(p)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = auth.PrincipalFrom(r.Context())
	}))
	r := httptest.NewRequest(http.MethodGet, "/pets", nil)
	if header != "" {
		r.Header.Set(header, value)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, got
}

func TestUserTokens(t *testing.T) {
	t.Parallel()
	f := newUserFixture(t)
	bearer := func(s string) string { return "Bearer " + s }
	private := &auth.Policy{Project: "p", Visibility: store.Private, Owner: f.adaID}
	team := &auth.Policy{Project: "p", Visibility: store.Private, Team: "core"}
	authd := &auth.Policy{Project: "p", Visibility: store.Authenticated}
	public := &auth.Policy{Project: "p", Visibility: store.Public}
	for _, tc := range []struct {
		name          string
		policy        *auth.Policy
		header, value string
		want          int
	}{
		{"owner by bearer", private, "Authorization", bearer(f.ada), 200},
		{"owner by X-API-Key", private, "X-API-Key", f.ada, 200},
		{"not the owner", private, "Authorization", bearer(f.bob), 403},
		{"team member", team, "Authorization", bearer(f.ada), 200},
		{"outside the team", team, "X-API-Key", f.bob, 403},
		{"authenticated: any user", authd, "Authorization", bearer(f.bob), 200},
		{"authenticated: anonymous", authd, "", "", 401},
		{"revoked token", authd, "Authorization", bearer(f.old), 401},
		{"malformed token", authd, "X-API-Key", f.bob[:len(f.bob)-2] + "xx", 401},
		{"public: a revoked token makes an anonymous caller", public, "Authorization", bearer(f.old), 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, p := f.call(tc.policy, tc.header, tc.value)
			assert.Equal(t, tc.want, code)
			if code == 200 && tc.policy != public {
				require.NotNil(t, p)
				assert.Equal(t, auth.MethodUserToken, p.Method)
				assert.NotEmpty(t, p.UserID)
			}
		})
	}

	// A bad user token is answered as a bad key.
	r := httptest.NewRequest(http.MethodGet, "/pets", nil)
	r.Header.Set("Authorization", bearer(f.old))
	w := httptest.NewRecorder()
	f.guard.Protect(authd)(http.NotFoundHandler()).ServeHTTP(w, r)
	assert.Contains(t, w.Body.String(), `"code":"INVALID_API_KEY"`)
	assert.Contains(t, w.Header().Get("WWW-Authenticate"), `error="invalid_token"`)

	// Removal and revocation hold from the next request.
	require.NoError(t, f.st.Teams().RemoveMember(t.Context(), "core", f.adaID))
	code, _ := f.call(team, "Authorization", bearer(f.ada))
	assert.Equal(t, 403, code, "removed from the team")
	require.NoError(t, f.st.Users().RevokeTokens(t.Context(), f.adaID))
	code, _ = f.call(private, "Authorization", bearer(f.ada))
	assert.Equal(t, 401, code, "token revoked")
}

type failingUsers struct{}

func (failingUsers) Lookup(context.Context, string) (*store.User, *store.UserToken, error) {
	return nil, nil, store.ErrUnavailable
}

func TestUserTokensStoreDown(t *testing.T) {
	t.Parallel()
	g := auth.NewGuard(auth.Options{Authenticator: auth.UserTokens(failingUsers{})})
	defer g.Close()
	secret, _ := auth.NewUserToken()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	w := httptest.NewRecorder()
	g.Protect(&auth.Policy{Project: "p", Visibility: store.Authenticated})(http.NotFoundHandler()).ServeHTTP(w, r)
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.NotContains(t, w.Body.String(), secret)
}

func TestChainAndAnyMembership(t *testing.T) {
	t.Parallel()
	app := func(r *http.Request) (*auth.Principal, error) {
		if r.Header.Get("Cookie") == "session=ok" {
			return &auth.Principal{UserID: "app-user"}, nil
		}
		return nil, nil
	}
	refuse := func(*http.Request) (*auth.Principal, error) { return nil, errors.New("bad") }
	for _, tc := range []struct {
		name   string
		chain  auth.Authenticator
		cookie string
		user   string
		err    bool
	}{
		{"first answers", auth.Chain(app, refuse), "session=ok", "app-user", false},
		{"falls through nil, nil", auth.Chain(nil, func(*http.Request) (*auth.Principal, error) { return nil, nil }, app), "session=ok", "app-user", false},
		{"an error stops", auth.Chain(refuse, app), "session=ok", "", true},
		{"nobody", auth.Chain(app), "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.cookie != "" {
				r.Header.Set("Cookie", tc.cookie)
			}
			p, err := tc.chain(r)
			if tc.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			if tc.user == "" {
				assert.Nil(t, p)
			} else {
				require.NotNil(t, p)
				assert.Equal(t, tc.user, p.UserID)
			}
		})
	}

	yes := auth.MembershipFunc(func(_ context.Context, u, _ string) (bool, error) { return u == "a", nil })
	fail := auth.MembershipFunc(func(context.Context, string, string) (bool, error) { return false, errors.New("down") })
	m := auth.AnyMembership(fail, nil, yes)
	ok, err := m.IsMember(t.Context(), "a", "t")
	assert.NoError(t, err)
	assert.True(t, ok, "a later yes wins over an earlier error")
	ok, err = m.IsMember(t.Context(), "b", "t")
	assert.Error(t, err, "no yes: the error is told")
	assert.False(t, ok)
}
