package mockapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
	"github.com/mockapi-go/mockapi/store/sqlstore/sqlite"
)

// safeBuffer is a log destination several goroutines write to.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newTestServer(t *testing.T, st *store.Store, logs *safeBuffer) *Server {
	t.Helper()
	o := Options{Store: st, AdminToken: adminToken, MockOptions: []mock.Option{mock.WithSeed(1)}}
	if logs != nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	s, err := New(o)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func get(s *Server, path string, headers ...string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	s.ServeHTTP(w, r)
	return w
}

func ptr[T any](v T) *T { return &v }

// Input the Go API refuses is a *ValidationError naming the field, and
// nothing is stored.
func TestGoAPIValidation(t *testing.T) {
	t.Parallel()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	ctx := t.Context()
	created, err := s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec)})
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"visibility", func() error {
			_, err := s.CreateProject(ctx, NewProject{Name: "x", Spec: []byte(petsSpec), Visibility: "everyone"})
			return err
		}, "visibility"},
		{"empty name", func() error {
			_, err := s.CreateProject(ctx, NewProject{Name: " ", Spec: []byte(petsSpec)})
			return err
		}, "name"},
		{"bad id", func() error {
			_, err := s.CreateProject(ctx, NewProject{ID: "a/b", Name: "x", Spec: []byte(petsSpec)})
			return err
		}, "id"},
		{"empty spec", func() error {
			_, err := s.CreateProject(ctx, NewProject{Name: "x"})
			return err
		}, "spec"},
		{"half a rate limit", func() error {
			_, err := s.CreateProject(ctx, NewProject{Name: "x", Spec: []byte(petsSpec), Settings: Settings{RateLimit: RateLimit{Requests: 5}}})
			return err
		}, "rate_limit"},
		{"negative rate limit", func() error {
			_, err := s.UpdateProject(ctx, "pets", ProjectUpdate{RateLimit: &RateLimit{Requests: -1, Per: time.Minute}})
			return err
		}, "rate_limit"},
		{"override of a missing operation", func() error {
			_, err := s.UpdateProject(ctx, "pets", ProjectUpdate{OperationVisibility: map[string]store.Visibility{"nope": store.Private}})
			return err
		}, "operation_visibility"},
		{"override with a bad visibility", func() error {
			_, err := s.UpdateProject(ctx, "pets", ProjectUpdate{OperationVisibility: map[string]store.Visibility{"getPet": "secret"}})
			return err
		}, "operation_visibility"},
		{"spec that does not load", func() error {
			_, err := s.SetSpec(ctx, "pets", []byte("openapi: 3.0.3\npaths: 7\n"))
			return err
		}, "spec"},
		{"key for a missing project", func() error {
			_, _, err := s.CreateKey(ctx, NewKey{Name: "k", Projects: []string{"ghost"}})
			return err
		}, "projects"},
		{"key expired already", func() error {
			_, _, err := s.CreateKey(ctx, NewKey{Name: "k", ExpiresAt: time.Now().Add(-time.Minute)})
			return err
		}, "expires_at"},
		{"negative grace", func() error {
			_, _, err := s.RotateKey(ctx, "any", -time.Second)
			return err
		}, "grace"},
		{"link expired already", func() error {
			_, _, err := s.CreateLink(ctx, "pets", share.LinkOptions{ExpiresAt: time.Now().Add(-time.Minute)})
			return err
		}, "expires_at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ve *ValidationError
			require.ErrorAs(t, tc.call(), &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	ps, err := s.ListProjects(ctx, store.ProjectFilter{})
	require.NoError(t, err)
	assert.Len(t, ps, 1, "nothing refused was stored")
	assert.Equal(t, created.Version, ps[0].Version, "nothing refused was updated")
}

// Missing things are ErrNotFound and taken ids ErrConflict, whichever
// call meets them.
func TestGoAPISentinels(t *testing.T) {
	t.Parallel()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	ctx := t.Context()
	_, err := s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec)})
	require.NoError(t, err)
	_, err = s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec)})
	assert.ErrorIs(t, err, ErrConflict)

	for name, call := range map[string]func() error{
		"Project":        func() error { _, err := s.Project(ctx, "ghost"); return err },
		"UpdateProject":  func() error { _, err := s.UpdateProject(ctx, "ghost", ProjectUpdate{Name: ptr("x")}); return err },
		"SetSpec":        func() error { _, err := s.SetSpec(ctx, "ghost", []byte(petsSpec)); return err },
		"DeleteProject":  func() error { return s.DeleteProject(ctx, "ghost") },
		"ResetProject":   func() error { return s.ResetProject(ctx, "ghost") },
		"RevokeKey":      func() error { return s.RevokeKey(ctx, "ghost") },
		"RotateKey":      func() error { _, _, err := s.RotateKey(ctx, "ghost", 0); return err },
		"CreateLink":     func() error { _, _, err := s.CreateLink(ctx, "ghost", share.LinkOptions{}); return err },
		"ListLinks":      func() error { _, err := s.ListLinks(ctx, "ghost"); return err },
		"RevokeLink":     func() error { return s.RevokeLink(ctx, "ghost") },
		"RegenerateLink": func() error { _, _, err := s.RegenerateLink(ctx, "ghost"); return err },
	} {
		assert.ErrorIs(t, call(), ErrNotFound, name)
	}
}

// Settings written through the Go API reach the guard, and read back the
// same; zero settings accept no key in the query.
func TestGoAPISettingsReachTheGuard(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	ctx := t.Context()
	_, err := s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Private})
	require.NoError(t, err)
	secret, _, err := s.CreateKey(ctx, NewKey{Name: "k", Projects: []string{"pets"}})
	require.NoError(t, err)

	assert.Equal(t, 401, get(s, "/p/pets/pets?apidogToken="+secret).Code, "off by default")
	assert.Equal(t, 200, get(s, "/p/pets/pets", "X-API-Key", secret).Code)

	p, err := s.UpdateProject(ctx, "pets", ProjectUpdate{AllowQueryToken: ptr(true), RateLimit: &RateLimit{Requests: 2, Per: time.Hour}})
	require.NoError(t, err)
	assert.Equal(t, Settings{AllowQueryToken: true, RateLimit: RateLimit{Requests: 2, Per: time.Hour}}, p.Settings)
	assert.Equal(t, 200, get(s, "/p/pets/pets?apidogToken="+secret).Code, "allowed now")
	assert.Equal(t, 200, get(s, "/p/pets/pets", "X-API-Key", secret).Code)
	assert.Equal(t, 429, get(s, "/p/pets/pets", "X-API-Key", secret).Code, "the limit applies")

	p, err = s.UpdateProject(ctx, "pets", ProjectUpdate{RateLimit: &RateLimit{}})
	require.NoError(t, err)
	assert.Equal(t, Settings{AllowQueryToken: true}, p.Settings, "a zero RateLimit removes the limit, and keeps the rest")
	assert.Equal(t, 200, get(s, "/p/pets/pets", "X-API-Key", secret).Code)
}

// Stored settings are read strictly.
func TestDecodeSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, blob string
		want       Settings
		bad        bool
	}{
		{"none", ``, Settings{}, false},
		{"null", `null`, Settings{}, false},
		{"empty object", `{}`, Settings{}, false},
		{"both", `{"allow_query_token":true,"rate_limit":{"requests":5,"per":"1m"}}`, Settings{AllowQueryToken: true, RateLimit: RateLimit{5, time.Minute}}, false},
		{"explicit false", `{"allow_query_token":false}`, Settings{}, false},
		{"not an object", `[1]`, Settings{}, true},
		{"unknown setting", `{"allow_query_tokens":true}`, Settings{}, true},
		{"wrong type", `{"allow_query_token":"yes"}`, Settings{}, true},
		{"per not a duration", `{"rate_limit":{"requests":5,"per":"soon"}}`, Settings{}, true},
		{"zero requests", `{"rate_limit":{"requests":0,"per":"1m"}}`, Settings{}, true},
		{"truncated", `{"rate_limit":`, Settings{}, true},
		{"seed records", `{"seed_records":25}`, Settings{SeedRecords: 25}, false},
		{"no seed records", `{"seed_records":0}`, Settings{SeedRecords: NoSeedRecords}, false},
		{"negative seed records", `{"seed_records":-1}`, Settings{}, true},
		{"too many seed records", `{"seed_records":1001}`, Settings{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeSettings([]byte(tc.blob))
			if tc.bad {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			b, err := encodeSettings(got)
			require.NoError(t, err)
			back, err := decodeSettings(b)
			require.NoError(t, err)
			assert.Equal(t, got, back, "round trip")
		})
	}
}

// A stored settings blob the Server cannot read fails closed: the
// project is refused (500, logged once for the version), never served
// without its rate limit; an update that sets the settings repairs it.
func TestBadStoredSettingsFailClosed(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	var logs safeBuffer
	s := newTestServer(t, st, &logs)
	ctx := t.Context()
	_, err := s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Public,
		Settings: Settings{RateLimit: RateLimit{Requests: 1, Per: time.Hour}}})
	require.NoError(t, err)

	p, err := st.Projects().Get(ctx, "pets")
	require.NoError(t, err)
	p.Settings = []byte(`{"rate_limit":{"requests":1,"per":"1 hour"}}`) // written by hand, wrong
	require.NoError(t, st.Projects().Update(ctx, p))

	for range 5 {
		w := get(s, "/p/pets/pets")
		assert.Equal(t, 500, w.Code)
		assert.Contains(t, w.Body.String(), "MOCK_FAILURE")
	}
	assert.Equal(t, 1, strings.Count(logs.String(), "cannot be served"), "logged once for the version:\n%s", logs.String())
	_, err = s.Mock(ctx, "pets")
	var pe *ProjectError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, p.Version, pe.Version)

	got, err := s.Project(ctx, "pets")
	require.NoError(t, err)
	assert.Error(t, got.SettingsErr, "the Go API shows why")
	_, err = s.UpdateProject(ctx, "pets", ProjectUpdate{AllowQueryToken: ptr(true)})
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve, "one setting cannot be changed while the others are unreadable")

	_, err = s.UpdateProject(ctx, "pets", ProjectUpdate{Settings: &Settings{RateLimit: RateLimit{Requests: 1, Per: time.Hour}}})
	require.NoError(t, err)
	assert.Equal(t, 200, get(s, "/p/pets/pets").Code, "repaired")
	assert.Equal(t, 429, get(s, "/p/pets/pets").Code, "with its limit")
}

// A stored description that does not load is parsed once per version,
// not on every request, and answered with a clear problem; the next
// version is compiled afresh.
func TestBrokenSpecIsParsedOncePerVersion(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	var logs safeBuffer
	s := newTestServer(t, st, &logs)
	ctx := t.Context()
	p := &store.Project{ID: "pets", Name: "Pets", Spec: []byte("openapi: 3.0.3\npaths: 7\n"), SpecFormat: "yaml", Visibility: store.Public}
	require.NoError(t, st.Projects().Create(ctx, p))

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				w := get(s, "/p/pets/pets")
				assert.Equal(t, 500, w.Code)
				assert.NotContains(t, w.Body.String(), "paths", "the private description is not quoted")
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, strings.Count(logs.String(), "cannot be served"), "compiled once for 40 requests:\n%s", logs.String())

	_, err := s.SetSpec(ctx, "pets", []byte(petsSpec))
	require.NoError(t, err)
	assert.Equal(t, 200, get(s, "/p/pets/pets").Code)
}

// Requests that meet a new version at once compile it once: every one of
// them is served by the same handler.
func TestCompileIsSingleFlight(t *testing.T) {
	t.Parallel()
	st := memory.New(store.WithTouchInterval(0))
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	ctx := t.Context()
	_, err := s.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Public})
	require.NoError(t, err)
	for round := range 3 {
		// A new spec, written behind the Server's back: nothing compiled it.
		p, err := st.Projects().Get(ctx, "pets")
		require.NoError(t, err)
		p.Spec = []byte(strings.Replace(petsSpec, `version: "1"`, `version: "`+strings.Repeat("1", round+2)+`"`, 1))
		require.NoError(t, st.Projects().Update(ctx, p))

		handlers := make([]*mock.Handler, 16)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range handlers {
			wg.Go(func() {
				<-start
				h, err := s.Mock(ctx, "pets")
				assert.NoError(t, err)
				handlers[i] = h
			})
		}
		close(start)
		wg.Wait()
		for _, h := range handlers[1:] {
			assert.Same(t, handlers[0], h, "round %d: one compilation", round)
		}
	}
}

// Two Servers on one SQLite file: what one deletes, the other stops
// serving at its next request, and a project one of them creates the
// other serves with the settings it was given.
func TestDeletionSeenByEveryInstance(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	open := func() *store.Store {
		st, err := sqlite.Open(context.Background(), dsn)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	a := newTestServer(t, open(), nil)
	b := newTestServer(t, open(), nil)
	ctx := t.Context()

	_, err := a.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Public})
	require.NoError(t, err)
	require.Equal(t, 200, get(b, "/p/pets/pets").Code, "b serves what a created")
	_, err = b.Mock(ctx, "pets")
	require.NoError(t, err)

	require.NoError(t, a.DeleteProject(ctx, "pets"))
	assert.Equal(t, 404, get(b, "/p/pets/pets").Code, "b stops serving what a deleted")
	_, err = b.Mock(ctx, "pets")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Nil(t, b.cached("pets"), "and forgets it")

	_, err = a.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Private})
	require.NoError(t, err)
	assert.Equal(t, 401, get(b, "/p/pets/pets").Code, "the new project, private, is served as such")
	_, _, err = b.CreateKey(ctx, NewKey{Name: "k", Projects: []string{"pets"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"pets"}, func() []string {
		keys, err := a.ListKeys(ctx, "")
		require.NoError(t, err)
		return keys[0].Projects
	}())

	// Deleted and created again through a, with no request to b between:
	// b must not take the new project for the one it compiled, though it
	// only reads the version.
	require.Equal(t, 401, get(b, "/p/pets/pets").Code)
	require.NoError(t, a.DeleteProject(ctx, "pets"))
	_, err = a.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Public})
	require.NoError(t, err)
	assert.Equal(t, 200, get(b, "/p/pets/pets").Code, "the new project, public, is served as such")
	require.NoError(t, a.DeleteProject(ctx, "pets"))
	_, err = a.CreateProject(ctx, NewProject{ID: "pets", Name: "Pets", Spec: []byte(petsSpec), Visibility: store.Private})
	require.NoError(t, err)
	assert.Equal(t, 401, get(b, "/p/pets/pets").Code, "and private again")
}

// Shutdown, Close and FlushLog may be called in any order and again: only
// the first stop does anything.
func TestShutdownIsIdempotent(t *testing.T) {
	t.Parallel()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st})
	require.NoError(t, err)
	_, err = s.PutProject(t.Context(), "default", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)
	require.Equal(t, 200, get(s, "/pets").Code)
	require.NoError(t, s.FlushLog(t.Context()))
	require.NoError(t, s.Shutdown(t.Context()))
	assert.NoError(t, s.Shutdown(t.Context()))
	assert.NoError(t, s.Close())
	assert.NoError(t, s.FlushLog(t.Context()), "nothing left to wait for")
	es, err := st.RequestLog().Query(t.Context(), store.LogQuery{Project: "default", Limit: 10})
	require.NoError(t, err)
	assert.Len(t, es, 1)
}

// The management API answers the Go API's errors with the statuses it
// always had: 400 for JSON it cannot read, 422 for a *ValidationError, 404
// for ErrNotFound, 409 for ErrConflict; and it takes settings on create.
func TestAdminMapsGoAPIErrors(t *testing.T) {
	t.Parallel()
	_, c, st := startWith(t, Options{})
	created := c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec,
		"allow_query_token": true, "rate_limit": map[string]any{"requests": 3, "per": "1m"}}, 201)
	assert.Equal(t, true, created["allow_query_token"])
	assert.Equal(t, map[string]any{"requests": float64(3), "per": "1m"}, created["rate_limit"])

	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"not JSON", "POST", "/_admin/projects", `{"name":`, 400, "VALIDATION_ERROR"},
		{"unknown field", "POST", "/_admin/projects", `{"nom":"x"}`, 400, "VALIDATION_ERROR"},
		{"bad rate limit on create", "POST", "/_admin/projects", `{"name":"x","spec":"openapi: 3.0.3","rate_limit":{"requests":1,"per":"soon"}}`, 422, "VALIDATION_ERROR"},
		{"bad visibility", "PATCH", "/_admin/projects/pets", `{"visibility":"everyone"}`, 422, "VALIDATION_ERROR"},
		{"zero rate limit", "PATCH", "/_admin/projects/pets", `{"rate_limit":{"requests":0,"per":"1m"}}`, 422, "VALIDATION_ERROR"},
		{"taken id", "POST", "/_admin/projects", `{"id":"pets","name":"x","spec":` + jsonString(petsSpec) + `}`, 409, "CONFLICT"},
		{"missing project", "PATCH", "/_admin/projects/ghost", `{"name":"x"}`, 404, "NOT_FOUND"},
		{"missing key", "POST", "/_admin/keys/ghost/rotate", ``, 404, "NOT_FOUND"},
		{"missing link", "POST", "/_admin/links/ghost/regenerate", ``, 404, "NOT_FOUND"},
		{"key for a missing project", "POST", "/_admin/keys", `{"name":"k","projects":["ghost"]}`, 422, "VALIDATION_ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, hdr, body := c.do(tc.method, tc.path, tc.body, "Authorization", "Bearer "+adminToken)
			assert.Equal(t, tc.status, status, string(body))
			assert.Equal(t, "application/problem+json", hdr.Get("Content-Type"))
			assert.Contains(t, string(body), `"code":"`+tc.code+`"`)
		})
	}

	// A project the Server cannot serve says why, to the admin only.
	p, err := st.Projects().Get(t.Context(), "pets")
	require.NoError(t, err)
	p.Settings = []byte(`{"rate_limit":{"requests":3,"per":"a minute"}}`)
	require.NoError(t, st.Projects().Update(t.Context(), p))
	got := c.admin("GET", "/projects/pets", nil, 200)
	assert.Contains(t, got["error"], `"a minute"`)
	status, _, body := c.do("GET", "/p/pets/pets", "")
	assert.Equal(t, 500, status)
	assert.NotContains(t, string(body), "a minute")
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
