package mockapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

func TestAdminUsers(t *testing.T) {
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	_, c := startServer(t, st)

	u := c.admin("POST", "/users", map[string]any{"name": "Ada", "email": "Ada@Example.com"}, 201)
	id, token := u["id"].(string), u["token"].(string)
	require.True(t, strings.HasPrefix(token, "mu_"), "a user token has its own prefix")
	assert.Equal(t, "ada@example.com", u["email"])

	c.admin("POST", "/teams", map[string]any{"id": "core", "name": "Core", "owner": id}, 201)
	for _, tc := range []struct {
		name, method, path string
		in                 any
		want               int
		code               string
	}{
		{"duplicate email", "POST", "/users", map[string]any{"email": "ADA@example.com"}, 409, "CONFLICT"},
		{"not an email", "POST", "/users", map[string]any{"email": "ada"}, 422, "VALIDATION_ERROR"},
		{"unknown field", "POST", "/users", map[string]any{"email": "x@example.com", "admin": true}, 400, "VALIDATION_ERROR"},
		{"unknown user", "GET", "/users/nobody", nil, 404, "NOT_FOUND"},
		{"patch unknown", "PATCH", "/users/nobody", map[string]any{"name": "x"}, 404, "NOT_FOUND"},
		{"rotate unknown", "POST", "/users/nobody/token", nil, 404, "NOT_FOUND"},
		{"revoke unknown", "DELETE", "/users/nobody/token", nil, 404, "NOT_FOUND"},
		{"team again", "POST", "/teams", map[string]any{"id": "core", "name": "Core"}, 409, "CONFLICT"},
		{"team without name", "POST", "/teams", map[string]any{"id": "t"}, 422, "VALIDATION_ERROR"},
		{"team with unknown owner", "POST", "/teams", map[string]any{"name": "T", "owner": "nobody"}, 404, "NOT_FOUND"},
		{"members of unknown team", "GET", "/teams/nope/members", nil, 404, "NOT_FOUND"},
		{"bad role", "PUT", "/teams/core/members/" + id, map[string]any{"role": "admin"}, 422, "VALIDATION_ERROR"},
		{"invite a non-email", "POST", "/teams/core/invites", map[string]any{"email": "bob"}, 422, "VALIDATION_ERROR"},
		{"assign to unknown team", "PUT", "/teams/nope/projects/pets", nil, 422, "VALIDATION_ERROR"},
		{"assign unknown project", "PUT", "/teams/core/projects/nope", nil, 404, "NOT_FOUND"},
		{"bad quota subject", "PUT", "/quotas/team:core", map[string]any{"requests_per_day": 1}, 422, "VALIDATION_ERROR"},
		{"negative quota", "PUT", "/quotas/project:pets", map[string]any{"requests_per_day": -1}, 422, "VALIDATION_ERROR"},
		{"unknown quota", "GET", "/quotas/project:none", nil, 404, "NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.admin(tc.method, tc.path, tc.in, tc.want)
			assert.Equal(t, tc.code, got["code"])
		})
	}

	// Users: read, list, change.
	got := c.admin("GET", "/users/"+id, nil, 200)
	assert.Nil(t, got["token"], "a token is shown only once")
	c.admin("PATCH", "/users/"+id, map[string]any{"name": "Ada L."}, 200)
	status, _, body := c.do("GET", "/_admin/users", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"name":"Ada L."`)
	assert.NotContains(t, string(body), token)

	// Teams: members, invites, projects.
	bob := c.admin("POST", "/users", map[string]any{"email": "bob@example.com"}, 201)
	m := c.admin("PUT", "/teams/core/members/"+bob["id"].(string), nil, 200)
	assert.Equal(t, "member", m["role"], "member is the default role")
	_, _, body = c.do("GET", "/_admin/teams/core/members", "", "Authorization", "Bearer "+adminToken)
	assert.Equal(t, 2, strings.Count(string(body), `"team":"core"`))
	_, _, body = c.do("GET", "/_admin/teams?user="+bob["id"].(string), "", "Authorization", "Bearer "+adminToken)
	assert.Contains(t, string(body), `"id":"core"`)
	c.admin("DELETE", "/teams/core/members/"+bob["id"].(string), nil, 204)
	c.admin("DELETE", "/teams/core/members/"+bob["id"].(string), nil, 404)
	inv := c.admin("POST", "/teams/core/invites", map[string]any{"email": "carl@example.com", "role": "owner"}, 201)
	c.admin("POST", "/teams/core/invites", map[string]any{"email": "carl@example.com"}, 409)
	c.admin("DELETE", "/invites/"+inv["id"].(string), nil, 204)
	c.admin("PATCH", "/teams/core", map[string]any{"name": "Core team"}, 200)

	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec}, 201)
	p := c.admin("PUT", "/teams/core/projects/pets", nil, 200)
	assert.Equal(t, "core", p["team"])
	c.admin("DELETE", "/teams/core", nil, 409)
	c.admin("POST", "/teams", map[string]any{"id": "other", "name": "Other"}, 201)
	c.admin("DELETE", "/teams/other/projects/pets", nil, 404) // not that team's
	c.admin("DELETE", "/teams/core/projects/pets", nil, 204)
	c.admin("DELETE", "/teams/core", nil, 204)

	// Rotation: the old token stops, the new one works.
	c.admin("POST", "/projects", map[string]any{"id": "open", "name": "Open", "spec": petsSpec, "visibility": "authenticated"}, 201)
	status, _, _ = c.do("GET", "/p/open/pets", "", "Authorization", "Bearer "+token)
	require.Equal(t, 200, status)
	rotated := c.admin("POST", "/users/"+id+"/token", nil, 201)
	status, _, _ = c.do("GET", "/p/open/pets", "", "Authorization", "Bearer "+token)
	assert.Equal(t, 401, status, "the old token")
	status, _, _ = c.do("GET", "/p/open/pets", "", "Authorization", "Bearer "+rotated["token"].(string))
	assert.Equal(t, 200, status, "the new token")

	// Quotas: set, read with use, list, remove.
	q := c.admin("PUT", "/quotas/project:open", map[string]any{"requests_per_month": 10}, 200)
	assert.Equal(t, float64(10), q["requests_per_month"])
	status, hdr, _ := c.do("GET", "/p/open/pets", "", "Authorization", "Bearer "+rotated["token"].(string))
	require.Equal(t, 200, status)
	assert.Equal(t, `"requests_per_month";r=9;t=`, hdr.Get("RateLimit")[:len(`"requests_per_month";r=9;t=`)], "RateLimit on admitted requests too")
	q = c.admin("GET", "/quotas/project:open", nil, 200)
	assert.Equal(t, map[string]any{"day": float64(1), "month": float64(1)}, q["used"])
	// Calls through a share link count too.
	link := c.admin("POST", "/projects/open/links", map[string]any{}, 201)
	status, _, _ = c.do("GET", link["url"].(string)+"/pets", "", "Authorization", "Bearer "+rotated["token"].(string))
	require.Equal(t, 200, status)
	q = c.admin("GET", "/quotas/project:open", nil, 200)
	assert.Equal(t, float64(2), q["used"].(map[string]any)["month"], "a share-link call is counted")

	c.admin("DELETE", "/quotas/project:open", nil, 204)
	c.admin("DELETE", "/quotas/project:open", nil, 404)

	c.admin("DELETE", "/users/"+id, nil, 204)
	c.admin("DELETE", "/users/"+id, nil, 404)
}

func TestMe(t *testing.T) {
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	_, c := startServer(t, st)
	user := func(name string) (string, string) {
		u := c.admin("POST", "/users", map[string]any{"name": name, "email": name + "@example.com"}, 201)
		return u["id"].(string), u["token"].(string)
	}
	adaID, ada := user("ada")
	bobID, bob := user("bob")
	_, eve := user("eve")

	// Authentication.
	for _, tc := range []struct {
		name    string
		headers []string
		want    int
		code    string
	}{
		{"none", nil, 401, "AUTHENTICATION_REQUIRED"},
		{"admin token", []string{"Authorization", "Bearer " + adminToken}, 401, "AUTHENTICATION_REQUIRED"},
		{"malformed", []string{"Authorization", "Bearer mu_abc"}, 401, "INVALID_API_KEY"},
		{"by X-API-Key", []string{"X-API-Key", ada}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := c.do("GET", "/_me", "", tc.headers...)
			assert.Equal(t, tc.want, status, "%s", body)
			if tc.code != "" {
				assert.Contains(t, string(body), tc.code)
			}
		})
	}
	me := c.me(ada, "GET", "", nil, 200)
	assert.Equal(t, adaID, me["id"])

	c.me(ada, "POST", "/teams", map[string]any{"id": "core", "name": "Core"}, 201)
	c.me(ada, "POST", "/projects", map[string]any{"id": "mine", "spec": petsSpec}, 201)
	c.me(eve, "POST", "/projects", map[string]any{"id": "eves", "spec": petsSpec}, 201)
	c.me(ada, "PUT", "/teams/core/members/"+bobID, map[string]any{"role": "member"}, 200)

	// Roles: a member may read, not manage; an outsider sees nothing.
	c.me(bob, "GET", "/teams/core/members", nil, 200)
	c.me(bob, "POST", "/teams/core/invites", map[string]any{"email": "x@example.com"}, 403)
	c.me(bob, "PUT", "/teams/core/projects/mine", nil, 403)
	c.me(eve, "GET", "/teams/core/members", nil, 404)
	c.me(ada, "PUT", "/teams/core/projects/eves", nil, 404) // not ada's project
	c.me(ada, "PUT", "/teams/core/projects/mine", nil, 200)

	// Only the owner deletes or gives away a project.
	c.me(bob, "DELETE", "/projects/mine", nil, 403)
	c.me(bob, "PATCH", "/projects/mine", map[string]any{"owner": bobID}, 403)
	c.me(eve, "DELETE", "/projects/mine", nil, 404)
	c.me(ada, "PATCH", "/projects/mine", map[string]any{"team": "elsewhere"}, 403)
	c.me(ada, "PATCH", "/projects/mine", map[string]any{"owner": "nobody"}, 422)

	// Keys scoped to projects the user may use; they stop with the
	// owner's access.
	c.me(bob, "POST", "/keys", map[string]any{"name": "k", "projects": []string{"eves"}}, 422)
	c.me(bob, "POST", "/keys", map[string]any{"name": "k"}, 422)
	k := c.me(bob, "POST", "/keys", map[string]any{"name": "k", "projects": []string{"mine"}}, 201)
	key := k["key"].(string)
	status, _, body := c.do("GET", "/p/mine/pets", "", "X-API-Key", key)
	require.Equal(t, 200, status, "%s", body)
	c.me(bob, "DELETE", "/teams/core/members/"+bobID, nil, 204) // bob leaves
	status, _, _ = c.do("GET", "/p/mine/pets", "", "X-API-Key", key)
	assert.Equal(t, 403, status, "a user's key stops when the user leaves the team")
	c.me(eve, "DELETE", "/keys/"+k["id"].(string), nil, 404)
	c.me(bob, "DELETE", "/keys/"+k["id"].(string), nil, 204)

	// Invites: only the invited email accepts or declines.
	inv := c.me(ada, "POST", "/teams/core/invites", map[string]any{"email": "bob@example.com"}, 201)
	c.me(eve, "POST", "/invites/"+inv["id"].(string)+"/accept", nil, 404)
	c.me(eve, "DELETE", "/invites/"+inv["id"].(string), nil, 404)
	c.me(bob, "DELETE", "/invites/"+inv["id"].(string), nil, 204)

	// A member cannot remove another; the last owner cannot leave or step
	// down until there is another.
	c.me(ada, "PUT", "/teams/core/members/"+bobID, nil, 200)
	c.me(bob, "DELETE", "/teams/core/members/"+adaID, nil, 403)
	c.me(ada, "DELETE", "/teams/core/members/"+adaID, nil, 409)
	c.me(ada, "PUT", "/teams/core/members/"+adaID, map[string]any{"role": "member"}, 409)
	c.me(ada, "PUT", "/teams/core/members/"+bobID, map[string]any{"role": "owner"}, 200)
	c.me(ada, "PUT", "/teams/core/members/"+adaID, map[string]any{"role": "member"}, 200)
	c.me(ada, "DELETE", "/teams/core/members/"+adaID, nil, 204)
	_, _, body = c.do("GET", "/_me/teams", "", "Authorization", "Bearer "+bob)
	assert.Contains(t, string(body), `"role":"owner"`)
}
