package mockapi

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// twoServers starts two Servers on one memory store, as two instances on
// one database: what one writes, the other must honour on its next
// request.
func twoServers(t *testing.T) (a, b *client, st *store.Store) {
	t.Helper()
	st = memory.New(store.WithTouchInterval(20 * time.Millisecond))
	t.Cleanup(func() { _ = st.Close() })
	_, a = startServer(t, st)
	_, b = startServer(t, st)
	return a, b, st
}

// GET /_admin/keys/{id} shows a key as the list does, never its secret,
// and PATCH changes name, scope, expiry and activity; every change holds
// from the next request on every instance.
func TestAdminKeyGetAndPatch(t *testing.T) {
	t.Parallel()
	a, b, _ := twoServers(t)
	a.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec}, 201)
	a.admin("POST", "/projects", map[string]any{"id": "other", "name": "Other", "spec": petsSpec}, 201)
	created := a.admin("POST", "/keys", map[string]any{"name": "ci", "projects": []string{"pets"}}, 201)
	id, secretKey := created["id"].(string), created["key"].(string)

	got := b.admin("GET", "/keys/"+id, nil, 200)
	assert.NotContains(t, got, "key", "GET never shows the secret")
	assert.Equal(t, "active", got["state"])
	assert.Equal(t, true, got["active"])
	status, _, body := a.do("GET", "/_admin/keys", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, 200, status)
	var list []map[string]any
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list, 1)
	assert.Equal(t, list[0], got, "GET shows a key as the list does")

	future := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	for _, tc := range []struct {
		name   string
		patch  map[string]any
		status int            // of the PATCH
		want   map[string]any // fields of the answer
		absent string         // a field the answer leaves out
		call   int            // status of GET /p/pets/pets with the key, on both instances
		code   string         // problem code of that call, when refused
	}{
		{"deactivate", map[string]any{"active": false}, 200,
			map[string]any{"active": false, "state": "deactivated"}, "", 401, "INVALID_API_KEY"},
		{"deactivate again", map[string]any{"active": false}, 200,
			map[string]any{"active": false}, "", 401, "INVALID_API_KEY"},
		{"reactivate", map[string]any{"active": true}, 200,
			map[string]any{"active": true, "state": "active"}, "deactivated_at", 200, ""},
		{"scope to another project", map[string]any{"projects": []string{"other"}}, 200,
			map[string]any{"projects": []any{"other"}}, "", 403, "FORBIDDEN"},
		{"every project", map[string]any{"projects": []string{}}, 200,
			map[string]any{"projects": []any{}}, "", 200, ""},
		{"rename and expire", map[string]any{"name": "renamed", "expires_at": future}, 200,
			map[string]any{"name": "renamed", "expires_at": future.Format(time.RFC3339)}, "", 200, ""},
		{"expiry cleared", map[string]any{"expires_at": nil}, 200,
			map[string]any{"name": "renamed"}, "expires_at", 200, ""},
		{"expiry in the past", map[string]any{"expires_at": time.Now().Add(-time.Hour)}, 422, nil, "", 200, ""},
		{"missing project", map[string]any{"projects": []string{"ghost"}}, 422, nil, "", 200, ""},
		{"unknown field", map[string]any{"owner": "mallory"}, 400, nil, "", 200, ""},
		{"wrong type", map[string]any{"active": "no"}, 400, nil, "", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := a.admin("PATCH", "/keys/"+id, tc.patch, tc.status)
			if tc.status != 200 {
				assert.NotEmpty(t, out["code"], "a refusal is a problem with a code")
			}
			for k, v := range tc.want {
				assert.Equal(t, v, out[k], k)
			}
			if tc.absent != "" {
				assert.NotContains(t, out, tc.absent)
			}
			assert.NotContains(t, out, "key", "PATCH never shows the secret")
			for _, c := range []*client{a, b} {
				status, _, body := c.do("GET", "/p/pets/pets", "", "X-API-Key", secretKey)
				require.Equal(t, tc.call, status, "%s", body)
				if tc.code != "" {
					var p map[string]any
					require.NoError(t, json.Unmarshal(body, &p))
					assert.Equal(t, tc.code, p["code"])
					assert.NotContains(t, string(body), secretKey)
				}
			}
		})
	}

	// Unknown keys are 404, revoked ones cannot be changed: 409.
	a.admin("GET", "/keys/nope", nil, 404)
	a.admin("PATCH", "/keys/nope", map[string]any{"active": true}, 404)
	a.admin("DELETE", "/keys/"+id, nil, 204)
	out := a.admin("PATCH", "/keys/"+id, map[string]any{"active": true}, 409)
	assert.Equal(t, "CONFLICT", out["code"])
	assert.Equal(t, "revoked", a.admin("GET", "/keys/"+id, nil, 200)["state"])
	status, _, _ = b.do("GET", "/p/pets/pets", "", "X-API-Key", secretKey)
	assert.Equal(t, 401, status, "a revoked key is not brought back")
}

// The Go API: GetKey and UpdateKey with pointer fields; nil leaves a
// field alone.
func TestGoAPIUpdateKey(t *testing.T) {
	t.Parallel()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	ctx := t.Context()
	_, err := s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec)})
	require.NoError(t, err)
	secretKey, k, err := s.CreateKey(ctx, NewKey{Name: "ci", Projects: []string{"pets"}})
	require.NoError(t, err)
	call := func() int {
		return get(s, "/p/pets/pets", "X-API-Key", secretKey).Code
	}
	require.Equal(t, 200, call())

	got, err := s.UpdateKey(ctx, k.ID, KeyUpdate{Active: ptr(false)})
	require.NoError(t, err)
	assert.False(t, got.DeactivatedAt.IsZero())
	assert.Equal(t, "ci", got.Name, "nil fields are left alone")
	assert.Equal(t, []string{"pets"}, got.Projects)
	assert.Equal(t, 401, call())

	got, err = s.UpdateKey(ctx, k.ID, KeyUpdate{Active: ptr(true), Name: ptr("deploy"), ExpiresAt: ptr(time.Now().Add(time.Hour))})
	require.NoError(t, err)
	assert.True(t, got.DeactivatedAt.IsZero())
	assert.Equal(t, 200, call())
	stored, err := s.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.Equal(t, "deploy", stored.Name)
	assert.False(t, stored.ExpiresAt.IsZero())
	assert.NotEmpty(t, stored.Hash, "the store keeps the hash")

	_, err = s.UpdateKey(ctx, k.ID, KeyUpdate{ExpiresAt: &time.Time{}})
	require.NoError(t, err)
	stored, err = s.GetKey(ctx, k.ID)
	require.NoError(t, err)
	assert.True(t, stored.ExpiresAt.IsZero(), "a zero time removes the expiry")

	var ve *ValidationError
	_, err = s.UpdateKey(ctx, k.ID, KeyUpdate{Projects: &[]string{"ghost"}})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "projects", ve.Field)
	_, err = s.UpdateKey(ctx, "nope", KeyUpdate{})
	assert.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, s.RevokeKey(ctx, k.ID))
	_, err = s.UpdateKey(ctx, k.ID, KeyUpdate{Active: ptr(true)})
	assert.ErrorIs(t, err, ErrConflict)
}

// last_used_at is written within seconds of a use: the default is
// documented as at most 5 s, and a key used shows it on GET.
func TestKeyLastUsedIsFresh(t *testing.T) {
	t.Parallel()
	assert.LessOrEqual(t, store.DefaultTouchInterval, 5*time.Second, "README and godoc promise at most 5 s")
	a, _, _ := twoServers(t) // touch interval 20 ms
	a.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec}, 201)
	created := a.admin("POST", "/keys", map[string]any{"name": "ci"}, 201)
	id := created["id"].(string)
	assert.NotContains(t, a.admin("GET", "/keys/"+id, nil, 200), "last_used_at", "never used")
	before := time.Now().Add(-time.Second)
	status, _, _ := a.do("GET", "/p/pets/pets", "", "X-API-Key", created["key"].(string))
	require.Equal(t, 200, status)
	require.Eventually(t, func() bool {
		_, has := a.admin("GET", "/keys/"+id, nil, 200)["last_used_at"]
		return has
	}, 2*time.Second, 10*time.Millisecond)
	used, err := time.Parse(time.RFC3339Nano, a.admin("GET", "/keys/"+id, nil, 200)["last_used_at"].(string))
	require.NoError(t, err)
	assert.True(t, used.After(before), "last_used_at %v is the use", used)
}

// No key answer carries a secret but the one that creates it.
func TestKeyAnswersCarryNoSecret(t *testing.T) {
	t.Parallel()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/_admin/keys", strings.NewReader(`{"name":"k"}`))
	r.Header.Set("Authorization", "Bearer "+adminToken)
	s.ServeHTTP(w, r)
	require.Equal(t, 201, w.Code)
	var k map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &k))
	secretKey := k["key"].(string)
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/_admin/keys/" + k["id"].(string), ""},
		{"PATCH", "/_admin/keys/" + k["id"].(string), `{"name":"x"}`},
		{"PATCH", "/_admin/keys/" + k["id"].(string), `{"expires_at":"yesterday"}`},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		r.Header.Set("Authorization", "Bearer "+adminToken)
		s.ServeHTTP(w, r)
		assert.NotContains(t, w.Body.String(), secretKey, "%s %s", tc.method, tc.path)
		assert.NotContains(t, w.Body.String(), secretKey[len(secretKey)-10:], "%s %s", tc.method, tc.path)
	}
}
