package mockapi

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// PATCH /_admin/links/{id} changes name, require_token, expires_at and
// enabled; each change holds from the next request on every instance.
func TestAdminLinkPatch(t *testing.T) {
	t.Parallel()
	a, b, _ := twoServers(t)
	// Authenticated, not private: a link alone opens it.
	a.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "authenticated"}, 201)
	key := a.admin("POST", "/keys", map[string]any{"name": "k", "projects": []string{"pets"}}, 201)["key"].(string)
	link := a.admin("POST", "/projects/pets/links", map[string]any{"name": "demo"}, 201)
	id, url := link["id"].(string), link["url"].(string)
	_, _, unknown := a.do("GET", "/s/msl_AAAAAAAAAAAAAAAAAAAAAAAAAAA/pets", "")

	future := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	for _, tc := range []struct {
		name           string
		patch          map[string]any
		status         int
		want           map[string]any
		absent         string
		noKey, withKey int // a visitor's call without and with a key, on both instances
	}{
		{"require a token", map[string]any{"require_token": true}, 200,
			map[string]any{"require_token": true, "name": "demo"}, "", 401, 200},
		{"no token again", map[string]any{"require_token": false}, 200,
			map[string]any{"require_token": false}, "", 200, 200},
		{"disable", map[string]any{"enabled": false}, 200,
			map[string]any{"enabled": false, "state": "disabled"}, "", 404, 404},
		{"enable", map[string]any{"enabled": true}, 200,
			map[string]any{"enabled": true, "state": "active"}, "disabled_at", 200, 200},
		{"rename and expire", map[string]any{"name": "QA", "expires_at": future}, 200,
			map[string]any{"name": "QA", "expires_at": future.Format(time.RFC3339)}, "", 200, 200},
		{"expiry cleared", map[string]any{"expires_at": nil}, 200, map[string]any{"name": "QA"}, "expires_at", 200, 200},
		{"expiry in the past", map[string]any{"expires_at": time.Now().Add(-time.Minute)}, 422, nil, "", 200, 200},
		{"unknown field", map[string]any{"project": "other"}, 400, nil, "", 200, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := a.admin("PATCH", "/links/"+id, tc.patch, tc.status)
			for k, v := range tc.want {
				assert.Equal(t, v, out[k], k)
			}
			if tc.absent != "" {
				assert.NotContains(t, out, tc.absent)
			}
			assert.NotContains(t, out, "token", "PATCH never shows the token")
			assert.NotContains(t, out, "url")
			for _, c := range []*client{a, b} {
				status, _, body := c.do("GET", url+"/pets", "")
				assert.Equal(t, tc.noKey, status, "%s", body)
				if status == 404 {
					assert.Equal(t, string(unknown), string(body), "a disabled link answers as an unknown one")
				}
				status, _, body = c.do("GET", url+"/pets", "", "X-API-Key", key)
				assert.Equal(t, tc.withKey, status, "%s", body)
			}
		})
	}

	a.admin("PATCH", "/links/nope", map[string]any{"enabled": true}, 404)
	a.admin("DELETE", "/links/"+id, nil, 204)
	out := a.admin("PATCH", "/links/"+id, map[string]any{"enabled": true}, 409)
	assert.Equal(t, "CONFLICT", out["code"])
	status, _, _ := b.do("GET", url+"/pets", "")
	assert.Equal(t, 404, status, "a revoked link is not brought back")
}

// The project settings decide for every link at once: sharing false stops
// them all, true brings them back, and a private project's links need a
// key even when they were made without require_token.
func TestProjectSettingsGovernLinks(t *testing.T) {
	t.Parallel()
	a, b, _ := twoServers(t)
	p := a.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
	assert.Equal(t, true, p["sharing"], "sharing is on by default")
	key := a.admin("POST", "/keys", map[string]any{"name": "k", "projects": []string{"pets"}}, 201)["key"].(string)
	open := a.admin("POST", "/projects/pets/links", map[string]any{}, 201)["url"].(string)
	tokenLink := a.admin("POST", "/projects/pets/links", map[string]any{"require_token": true}, 201)["url"].(string)
	_, _, unknown := a.do("GET", "/s/msl_AAAAAAAAAAAAAAAAAAAAAAAAAAA/pets", "")

	for _, tc := range []struct {
		name                string
		patch               map[string]any
		sharing             bool
		open, openKeyed     int // the token-less link, without and with a key
		tokenLink, tokenKey int // the require_token link, without and with a key
	}{
		{"sharing off", map[string]any{"sharing": false}, false, 404, 404, 404, 404},
		{"sharing on", map[string]any{"sharing": true}, true, 200, 200, 401, 200},
		{"private", map[string]any{"visibility": "private"}, true, 401, 200, 401, 200},
		{"private, sharing off", map[string]any{"sharing": false}, false, 404, 404, 404, 404},
		{"authenticated, sharing on", map[string]any{"visibility": "authenticated", "sharing": true}, true, 200, 200, 401, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := a.admin("PATCH", "/projects/pets", tc.patch, 200)
			assert.Equal(t, tc.sharing, out["sharing"])
			for _, c := range []*client{a, b} {
				for _, call := range []struct {
					url    string
					header []string
					want   int
				}{
					{open, nil, tc.open},
					{open, []string{"X-API-Key", key}, tc.openKeyed},
					{tokenLink, nil, tc.tokenLink},
					{tokenLink, []string{"X-API-Key", key}, tc.tokenKey},
				} {
					status, _, body := c.do("GET", call.url+"/pets", "", call.header...)
					assert.Equal(t, call.want, status, "%s %v: %s", call.url[:12], call.header != nil, body)
					if status == 404 {
						assert.Equal(t, string(unknown), string(body), "a stopped link answers as an unknown one")
					}
				}
			}
		})
	}

	created := a.admin("POST", "/projects", map[string]any{"name": "Quiet", "spec": petsSpec, "visibility": "public", "sharing": false}, 201)
	assert.Equal(t, false, created["sharing"], "sharing can be off from the start")
}

// The Go API: UpdateLink with pointer fields, and the Sharing setting.
func TestGoAPIUpdateLink(t *testing.T) {
	t.Parallel()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	ctx := t.Context()
	_, err := s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Public})
	require.NoError(t, err)
	token, l, err := s.CreateLink(ctx, "pets", share.LinkOptions{Name: "demo"})
	require.NoError(t, err)
	call := func() int { return get(s, s.ShareURL(token)+"/pets").Code }
	require.Equal(t, 200, call())

	got, err := s.UpdateLink(ctx, l.ID, LinkUpdate{RequireToken: ptr(true)})
	require.NoError(t, err)
	assert.True(t, got.TokenRequired)
	assert.Equal(t, "demo", got.Name, "nil fields are left alone")
	assert.Equal(t, 401, call())
	_, err = s.UpdateLink(ctx, l.ID, LinkUpdate{RequireToken: ptr(false), Enabled: ptr(false)})
	require.NoError(t, err)
	assert.Equal(t, 404, call())
	_, err = s.UpdateLink(ctx, l.ID, LinkUpdate{Enabled: ptr(true), Name: ptr("QA")})
	require.NoError(t, err)
	assert.Equal(t, 200, call())

	p, err := s.UpdateProject(ctx, "pets", ProjectUpdate{Sharing: ptr(false)})
	require.NoError(t, err)
	assert.True(t, p.Settings.SharingOff)
	assert.Equal(t, 404, call())
	p, err = s.UpdateProject(ctx, "pets", ProjectUpdate{Sharing: ptr(true)})
	require.NoError(t, err)
	assert.False(t, p.Settings.SharingOff)
	assert.Equal(t, 200, call())

	var ve *ValidationError
	_, err = s.UpdateLink(ctx, l.ID, LinkUpdate{ExpiresAt: ptr(time.Now().Add(-time.Hour))})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "expires_at", ve.Field)
	_, err = s.UpdateLink(ctx, "nope", LinkUpdate{})
	assert.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, s.RevokeLink(ctx, l.ID))
	_, err = s.UpdateLink(ctx, l.ID, LinkUpdate{Enabled: ptr(true)})
	assert.ErrorIs(t, err, ErrConflict)
}

// visitor_rate_limit bounds each visitor of a link; null removes it, and a
// half-set limit is refused naming the field.
func TestAdminLinkVisitorLimit(t *testing.T) {
	t.Parallel()
	s, c, _ := startWith(t, Options{})
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)
	limit := map[string]any{"requests": 2, "per": "1h"}
	link := c.admin("POST", "/projects/pets/links", map[string]any{"visitor_rate_limit": limit}, 201)
	assert.Equal(t, map[string]any{"requests": float64(2), "per": "1h"}, link["visitor_rate_limit"])
	url, id := link["url"].(string), link["id"].(string)
	for i, want := range []int{200, 200, 429} {
		status, _, body := c.do("GET", url+"/pets", "")
		require.Equal(t, want, status, "request %d: %s", i+1, body)
	}
	out := c.admin("PATCH", "/links/"+id, map[string]any{"visitor_rate_limit": nil}, 200)
	assert.NotContains(t, out, "visitor_rate_limit")
	status, _, _ := c.do("GET", url+"/pets", "")
	assert.Equal(t, 200, status, "without the limit the visitor is served")

	for _, tc := range []struct {
		name, method, path string
		body               map[string]any
	}{
		{"create without per", "POST", "/projects/pets/links", map[string]any{"visitor_rate_limit": map[string]any{"requests": 2}}},
		{"patch with zero requests", "PATCH", "/links/" + id, map[string]any{"visitor_rate_limit": map[string]any{"requests": 0, "per": "1m"}}},
	} {
		out := c.admin(tc.method, tc.path, tc.body, 422)
		assert.Contains(t, out["detail"], "visitor_rate_limit", tc.name)
	}
	got, err := s.UpdateLink(t.Context(), id, LinkUpdate{VisitorRateLimit: &RateLimit{Requests: 5, Per: time.Minute}})
	require.NoError(t, err)
	assert.Equal(t, 5, got.VisitorRequests)
	assert.Equal(t, time.Minute, got.VisitorPer)
	var ve *ValidationError
	_, err = s.UpdateLink(t.Context(), id, LinkUpdate{VisitorRateLimit: &RateLimit{Requests: 5}})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "visitor_rate_limit", ve.Field)
}
