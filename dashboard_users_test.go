package mockapi

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

// A user signs in with its user token and sees, and may change, only the
// projects it may use; only the owner deletes; every project's analytics
// are the operator's; the session ends once the token is revoked.
func TestDashboardUserSignIn(t *testing.T) {
	t.Parallel()
	e := newDashEnv(t)
	ctx := context.Background()
	token, ann, err := e.s.CreateUser(ctx, "Ann", "ann@example.com")
	require.NoError(t, err)
	_, bob, err := e.s.CreateUser(ctx, "Bob", "bob@example.com")
	require.NoError(t, err)
	_, err = e.s.CreateProject(ctx, NewProject{ID: "mine", Spec: []byte(petsSpec), Visibility: store.Private, Owner: ann.ID})
	require.NoError(t, err)
	_, err = e.s.CreateProject(ctx, NewProject{ID: "teams", Spec: []byte(petsSpec), Visibility: store.Private, Owner: bob.ID})
	require.NoError(t, err)
	_, err = e.s.CreateProject(ctx, NewProject{ID: "other", Spec: []byte(petsSpec), Visibility: store.Private, Owner: bob.ID})
	require.NoError(t, err)
	team, err := e.s.CreateTeam(ctx, "", "Shop", bob.ID)
	require.NoError(t, err)
	_, err = e.s.st.Teams().PutMember(ctx, team.ID, ann.ID, store.RoleMember)
	require.NoError(t, err)
	_, err = e.s.AssignProject(ctx, team.ID, "teams")
	require.NoError(t, err)
	bobKey, _, err := e.s.CreateKey(ctx, NewKey{Name: "bob's", Projects: []string{"other"}, Owner: bob.ID})
	require.NoError(t, err)
	_ = bobKey

	resp, _ := e.get(DashboardPath + "/login")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, body := e.post(DashboardPath+"/login", url.Values{"token": {"mu_not_a_real_token"}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
	resp, _ = e.post(DashboardPath+"/login", url.Values{"token": {token}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	resp, body = e.get(DashboardPath + "/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `/projects/mine"`)
	assert.Contains(t, body, `/projects/teams"`)
	assert.NotContains(t, body, `/projects/other"`, "a project of someone else's is not listed")
	assert.NotContains(t, body, DashboardPath+`/analytics"`, "no link to every project's analytics")

	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/projects/mine", http.StatusOK},
		{"GET", "/projects/teams", http.StatusOK},
		{"GET", "/projects/teams/logs", http.StatusOK},
		{"GET", "/projects/other", http.StatusNotFound},
		{"GET", "/projects/other/logs", http.StatusNotFound},
		{"GET", "/projects/other/analytics.json", http.StatusNotFound},
		{"GET", "/analytics", http.StatusForbidden},
		{"GET", "/projects/teams/delete", http.StatusForbidden},
		{"POST", "/projects/teams/delete", http.StatusForbidden},
		{"POST", "/projects/other/reset", http.StatusNotFound},
	} {
		var resp *http.Response
		var body string
		if tc.method == "GET" {
			resp, body = e.get(DashboardPath + tc.path)
		} else {
			resp, body = e.post(DashboardPath+tc.path, url.Values{"confirm": {"teams"}})
		}
		assert.Equal(t, tc.want, resp.StatusCode, "%s %s: %s", tc.method, tc.path, body)
	}

	// Keys: the user's own, scoped to projects it may use.
	resp, body = e.get(DashboardPath + "/keys")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, "bob&#39;s", "another user's key is not listed")
	resp, body = e.post(DashboardPath+"/keys", url.Values{"name": {"ci"}, "projects": {"other"}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, body)
	resp, body = e.post(DashboardPath+"/keys", url.Values{"name": {"ci"}})
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "a user's key names its projects: %s", body)
	resp, body = e.post(DashboardPath+"/keys", url.Values{"name": {"ci"}, "projects": {"mine"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	ks, err := e.s.ListKeys(ctx, ann.ID)
	require.NoError(t, err)
	require.Len(t, ks, 1)
	assert.Equal(t, []string{"mine"}, ks[0].Projects)
	resp, _ = e.post(DashboardPath+"/keys/"+bobKeyID(t, e, bob.ID)+"/revoke", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "another user's key cannot be revoked")

	// A project the user creates is the user's.
	resp, body = e.post(DashboardPath+"/projects", url.Values{"id": {"fresh"}, "visibility": {"private"}, "spec": {petsSpec}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	p, err := e.s.Project(ctx, "fresh")
	require.NoError(t, err)
	assert.Equal(t, ann.ID, p.Owner)

	// Revoking the token ends the session on the next page.
	require.NoError(t, e.s.RevokeUserTokens(ctx, ann.ID))
	resp, _ = e.get(DashboardPath + "/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, DashboardPath+"/login", resp.Header.Get("Location"))
}

func bobKeyID(t *testing.T, e *dashEnv, bob string) string {
	t.Helper()
	ks, err := e.s.ListKeys(context.Background(), bob)
	require.NoError(t, err)
	require.NotEmpty(t, ks)
	return ks[0].ID
}
