package mockapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/postgres"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
	"github.com/mockapi-go/mockapi/store/storetest"
)

// testQuotaSync is the quota sync interval of the Servers these tests
// start: short, so that counts cross instances within the test.
const testQuotaSync = 20 * time.Millisecond

// startQuotaServer starts a Server over st behind the admin contract, with
// a short quota sync; it is shut down when the test ends unless stop is
// called first.
func startQuotaServer(t *testing.T, st *store.Store) (c *client, stop func()) {
	s, err := New(Options{Store: st, AdminToken: adminToken, QuotaSync: testQuotaSync})
	require.NoError(t, err)
	ts := httptest.NewServer(adminContract(t, s))
	done := false
	stop = func() {
		if !done {
			done = true
			ts.Close()
			require.NoError(t, s.Close())
		}
	}
	t.Cleanup(stop)
	return &client{t: t, base: ts.URL}, stop
}

// me calls the user-facing API with a user token.
func (c *client) me(token, method, path string, in any, want int) map[string]any {
	c.t.Helper()
	var body string
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(c.t, err)
		body = string(b)
	}
	status, _, out := c.do(method, "/_me"+path, body, "Authorization", "Bearer "+token)
	require.Equal(c.t, want, status, "%s /_me%s: %s", method, path, out)
	var m map[string]any
	if len(out) > 0 && out[0] == '{' {
		require.NoError(c.t, json.Unmarshal(out, &m))
	}
	return m
}

// runTeams drives the HTTP APIs alone. Halfway, mid returns the client
// to call from then on (a restarted Server, or another instance), and the
// client to manage through (the same, or the first instance).
func runTeams(t *testing.T, a *client, mid func() (calls, mgmt *client)) {
	user := func(name string) (id, token string) {
		u := a.admin("POST", "/users", map[string]any{"name": name, "email": name + "@example.com"}, 201)
		return u["id"].(string), u["token"].(string)
	}
	adaID, ada := user("ada")
	bobID, bob := user("bob")
	eveID, eve := user("eve")

	// The owner creates a team, invites a member and assigns a private
	// project, all with its own user token.
	team := a.me(ada, "POST", "/teams", map[string]any{"id": "core", "name": "Core"}, 201)
	assert.Equal(t, "owner", team["role"])
	inv := a.me(ada, "POST", "/teams/core/invites", map[string]any{"email": "Bob@example.com"}, 201)
	a.me(bob, "POST", "/teams/core/invites", map[string]any{"email": "eve@example.com"}, 404) // not in the team
	p := a.me(ada, "POST", "/projects", map[string]any{"id": "orders", "spec": petsSpec, "visibility": "private"}, 201)
	assert.Equal(t, adaID, p["owner"])
	a.me(ada, "PUT", "/teams/core/projects/orders", nil, 200)

	// The invite is pending until bob accepts it.
	status, _, _ := a.do("GET", "/p/orders/pets", "", "Authorization", "Bearer "+bob)
	assert.Equal(t, 403, status, "an invite alone admits no one")
	mine := a.me(bob, "POST", "/invites/"+inv["id"].(string)+"/accept", nil, 200)
	assert.Equal(t, "member", mine["role"])

	// An authenticated project, and a quota of 3 requests a day on it.
	a.admin("POST", "/projects", map[string]any{"id": "open", "name": "Open", "spec": petsSpec, "visibility": "authenticated"}, 201)
	a.admin("PUT", "/quotas/project:open", map[string]any{"requests_per_day": 3}, 200)
	status, _, body := a.do("GET", "/p/open/pets", "", "X-API-Key", eve)
	require.Equal(t, 200, status, "%s", body)

	c, mgmt := mid()

	// The member calls the private project; an outsider is refused.
	status, _, body = c.do("GET", "/p/orders/pets", "", "Authorization", "Bearer "+bob)
	assert.Equal(t, 200, status, "the member, by bearer: %s", body)
	status, _, _ = c.do("GET", "/p/orders/pets", "", "X-API-Key", bob)
	assert.Equal(t, 200, status, "the member, by X-API-Key")
	status, _, _ = c.do("GET", "/p/orders/pets", "", "Authorization", "Bearer "+eve)
	assert.Equal(t, 403, status, "an outsider")
	status, _, _ = c.do("GET", "/p/orders/pets", "")
	assert.Equal(t, 401, status, "anonymous")
	status, _, body = c.do("GET", "/_me/projects", "", "Authorization", "Bearer "+bob)
	require.Equal(t, 200, status)
	assert.Contains(t, string(body), `"id":"orders"`, "the member sees the team's project")
	c.me(bob, "DELETE", "/projects/orders", nil, 403) // only the owner deletes

	// After removal, the member is refused on the next request.
	mgmt.me(ada, "DELETE", "/teams/core/members/"+bobID, nil, 204)
	status, _, _ = c.do("GET", "/p/orders/pets", "", "Authorization", "Bearer "+bob)
	assert.Equal(t, 403, status, "removed from the team")

	// An authenticated project admits any user token, not anonymous.
	status, _, _ = c.do("GET", "/p/open/pets", "", "Authorization", "Bearer "+bob)
	assert.Equal(t, 200, status, "any user token (request 2 of 3)")
	status, hdr, _ := c.do("GET", "/p/open/pets", "")
	assert.Equal(t, 401, status, "anonymous")
	assert.NotEmpty(t, hdr.Get("WWW-Authenticate"))
	status, _, _ = c.do("GET", "/p/open/pets", "", "X-API-Key", eve)
	assert.Equal(t, 200, status, "request 3 of 3")

	// The quota answers 429 with its details.
	status, hdr, body = c.do("GET", "/p/open/pets", "", "X-API-Key", eve)
	require.Equal(t, 429, status, "%s", body)
	retry, err := strconv.Atoi(hdr.Get("Retry-After"))
	require.NoError(t, err)
	assert.True(t, retry > 0 && retry <= 86400, "Retry-After %d is when the day ends", retry)
	assert.Equal(t, `"requests_per_day";q=3`, hdr.Get("RateLimit-Policy"))
	assert.Contains(t, hdr.Get("RateLimit"), `"requests_per_day";r=0;t=`)
	var pr struct {
		Code  string `json:"code"`
		Limit struct {
			Subject   string    `json:"subject"`
			Name      string    `json:"name"`
			Size      int       `json:"size"`
			Remaining int       `json:"remaining"`
			Reset     time.Time `json:"reset"`
		} `json:"limit"`
	}
	require.NoError(t, json.Unmarshal(body, &pr))
	assert.Equal(t, "QUOTA_EXCEEDED", pr.Code)
	assert.Equal(t, "project:open", pr.Limit.Subject)
	assert.Equal(t, "requests_per_day", pr.Limit.Name)
	assert.Equal(t, 3, pr.Limit.Size)
	assert.Equal(t, 0, pr.Limit.Remaining)
	assert.True(t, pr.Limit.Reset.After(time.Now()))

	// Projects per user.
	mgmt.admin("PUT", "/quotas/user:"+eveID, map[string]any{"projects": 1}, 200)
	c.me(eve, "POST", "/projects", map[string]any{"id": "eve1", "spec": petsSpec}, 201)
	over := c.me(eve, "POST", "/projects", map[string]any{"id": "eve2", "spec": petsSpec}, 429)
	assert.Equal(t, "QUOTA_EXCEEDED", over["code"])
	over = mgmt.admin("PATCH", "/projects/open", map[string]any{"owner": eveID}, 429)
	assert.Equal(t, "projects", over["limit"].(map[string]any)["name"], "giving eve a project counts too")

	// A team with projects cannot be deleted; a deleted user's token and
	// a revoked one are refused on the next request.
	mgmt.admin("DELETE", "/teams/core", nil, 409)
	mgmt.admin("DELETE", "/users/"+eveID, nil, 204)
	status, _, _ = c.do("GET", "/p/eve1/pets", "", "X-API-Key", eve)
	assert.Equal(t, 401, status, "a deleted user's token")
	mgmt.admin("DELETE", "/users/"+adaID+"/token", nil, 204)
	status, _, _ = c.do("GET", "/p/orders/pets", "", "Authorization", "Bearer "+ada)
	assert.Equal(t, 401, status, "a revoked token")
}

// The end-to-end scenario of users, teams and quotas on SQLite, with the
// Server and the store restarted halfway.
func TestTeamsEndToEndSQLiteRestart(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "mockapi.db")
	open := func() *store.Store {
		st, err := sqlite.Open(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	st := open()
	a, stop := startQuotaServer(t, st)
	runTeams(t, a, func() (*client, *client) {
		stop()
		require.NoError(t, st.Close())
		b, _ := startQuotaServer(t, open())
		return b, b
	})
}

// The same scenario on two Servers sharing PostgreSQL: what one is told,
// the other enforces.
func TestTeamsEndToEndPostgreSQL(t *testing.T) {
	base := os.Getenv("MOCKAPI_TEST_POSTGRES")
	if base == "" {
		t.Skip("MOCKAPI_TEST_POSTGRES is not set: two servers on one PostgreSQL database not tested")
	}
	dsn := storetest.PostgresSchema(t, base)
	open := func() *store.Store {
		st, err := postgres.Open(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	a, _ := startQuotaServer(t, open())
	b, _ := startQuotaServer(t, open())
	runTeams(t, a, func() (*client, *client) {
		// a writes the request it counted at its next sync; b reads the
		// store's total when it first counts.
		assert.Eventually(t, func() bool {
			_, _, body := b.do("GET", "/_admin/quotas/project:open", "", "Authorization", "Bearer "+adminToken)
			var q struct{ Used struct{ Day int } }
			return json.Unmarshal(body, &q) == nil && q.Used.Day == 1
		}, 5*time.Second, testQuotaSync)
		return b, a
	})
}

// Beside the store's user tokens, the application's Authenticator still
// answers requests that carry none; without one, a stray bearer token is
// a bad key, as before users existed.
func TestServerAuthenticatorsCombine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		app    bool
		bearer string
		want   int
		code   string
	}{
		{"no app: a stray bearer is a bad key", false, "Bearer not-a-key", 401, "INVALID_API_KEY"},
		{"app: its session", true, "Bearer app-session", 200, ""},
		{"app: what it refuses", true, "Bearer nonsense", 401, "AUTHENTICATION_REQUIRED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := memory.New()
			t.Cleanup(func() { _ = st.Close() })
			o := Options{Store: st}
			if tc.app {
				o.Authenticator = func(r *http.Request) (*auth.Principal, error) {
					if r.Header.Get("Authorization") == "Bearer app-session" {
						return &auth.Principal{UserID: "app-user"}, nil
					}
					return nil, errors.New("unknown session")
				}
			}
			s, err := New(o)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			_, err = s.CreateProject(t.Context(), NewProject{ID: "open", Spec: []byte(petsSpec), Visibility: store.Authenticated})
			require.NoError(t, err)
			token, _, err := s.CreateUser(t.Context(), "Ada", "ada@example.com")
			require.NoError(t, err)

			for _, h := range []string{"Bearer " + token, tc.bearer} {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/p/open/pets", nil)
				r.Header.Set("Authorization", h)
				s.ServeHTTP(w, r)
				if h == tc.bearer {
					assert.Equal(t, tc.want, w.Code, w.Body.String())
					if tc.code != "" {
						assert.Contains(t, w.Body.String(), tc.code)
					}
				} else {
					assert.Equal(t, 200, w.Code, "a user token is always the store's")
				}
			}
		})
	}
}

// NoStoreUsers turns user tokens and /_me/ off.
func TestServerNoStoreUsers(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, NoStoreUsers: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	_, err = s.CreateProject(t.Context(), NewProject{ID: "open", Spec: []byte(petsSpec), Visibility: store.Authenticated})
	require.NoError(t, err)
	token, _, err := s.CreateUser(t.Context(), "Ada", "ada@example.com")
	require.NoError(t, err)
	for path, want := range map[string]int{"/p/open/pets": 401, "/_me": 404} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		s.ServeHTTP(w, r)
		assert.Equal(t, want, w.Code, path)
	}
}
