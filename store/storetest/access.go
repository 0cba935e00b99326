package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

func newProject(name string) *store.Project {
	return &store.Project{
		Name:                name,
		Spec:                []byte("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"),
		SpecFormat:          "yaml",
		Visibility:          store.Private,
		OperationVisibility: map[string]store.Visibility{"listPets": store.Public},
		Owner:               "alice",
		Team:                "red",
		Settings:            json.RawMessage(`{"seed":42}`),
	}
}

func testProjects(t *testing.T, h Harness) {
	t.Run("CreateGet", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		p := newProject("pets")
		require.NoError(t, s.Projects().Create(ctx(t), p))
		assert.NotEmpty(t, p.ID)
		assert.Positive(t, p.Version)
		got, err := s.Projects().Get(ctx(t), p.ID)
		require.NoError(t, err)
		assert.Equal(t, p.Name, got.Name)
		assert.Equal(t, p.Spec, got.Spec)
		assert.Equal(t, "yaml", got.SpecFormat)
		assert.Equal(t, store.Private, got.Visibility)
		assert.Equal(t, p.OperationVisibility, got.OperationVisibility)
		assert.Equal(t, "alice", got.Owner)
		assert.Equal(t, "red", got.Team)
		assert.JSONEq(t, `{"seed":42}`, string(got.Settings))
		assert.Equal(t, p.Version, got.Version)
		assert.True(t, p.CreatedAt.Equal(got.CreatedAt), "created %v, got %v", p.CreatedAt, got.CreatedAt)

		dup := newProject("again")
		dup.ID = p.ID
		assert.ErrorIs(t, s.Projects().Create(ctx(t), dup), store.ErrConflict)
		_, err = s.Projects().Get(ctx(t), "nope")
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("LargeSpec", func(t *testing.T) {
		// A description of several megabytes (GitHub's is 13 MB), which a
		// backend may keep compressed, comes back byte for byte from Get,
		// List and after Update, and a caller changing what it was given or
		// got changes nothing stored.
		t.Parallel()
		s := h.open(t)
		var b strings.Builder
		b.WriteString("{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"big\",\"version\":\"1\"},\"paths\":{\n")
		for i := range 40_000 {
			fmt.Fprintf(&b, "  \"/r%d\": {\"get\": {\"responses\": {\"200\": {\"description\": \"ok %d\"}}}},\n", i, i*7919%1_000_003)
		}
		b.WriteString("  \"/\": {}}}\n")
		spec := []byte(b.String())
		require.Greater(t, len(spec), 2<<20)
		p := newProject("big")
		p.Spec, p.SpecFormat = slices.Clone(spec), "json"
		require.NoError(t, s.Projects().Create(ctx(t), p))
		p.Spec[0] = 'X'

		got, err := s.Projects().Get(ctx(t), p.ID)
		require.NoError(t, err)
		require.Equal(t, spec, got.Spec)
		got.Spec[0] = 'Y'
		list, err := s.Projects().List(ctx(t), store.ProjectFilter{Owner: p.Owner})
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, spec, list[0].Spec)

		changed := append(slices.Clone(spec[:len(spec)-4]), "{}}\n"...)
		got.Spec = slices.Clone(changed)
		require.NoError(t, s.Projects().Update(ctx(t), got))
		again, err := s.Projects().Get(ctx(t), p.ID)
		require.NoError(t, err)
		assert.Equal(t, changed, again.Spec)
		assert.Equal(t, got.Version, again.Version)
	})
	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		for i, owner := range []string{"alice", "bob", "alice"} {
			p := newProject(fmt.Sprint("p", i))
			p.ID = fmt.Sprint("p", i)
			p.Owner = owner
			require.NoError(t, s.Projects().Create(ctx(t), p))
		}
		for _, tc := range []struct {
			f    store.ProjectFilter
			want []string
		}{
			{store.ProjectFilter{}, []string{"p0", "p1", "p2"}},
			{store.ProjectFilter{Owner: "alice"}, []string{"p0", "p2"}},
			{store.ProjectFilter{Owner: "carol"}, nil},
			{store.ProjectFilter{Team: "red"}, []string{"p0", "p1", "p2"}},
		} {
			ps, err := s.Projects().List(ctx(t), tc.f)
			require.NoError(t, err)
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			assert.Equal(t, tc.want, ids, "filter %+v", tc.f)
		}
	})
	t.Run("UpdateOptimistic", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		p := newProject("pets")
		require.NoError(t, s.Projects().Create(ctx(t), p))
		a, err := s.Projects().Get(ctx(t), p.ID)
		require.NoError(t, err)
		b, err := s.Projects().Get(ctx(t), p.ID)
		require.NoError(t, err)

		a.Visibility = store.Public
		a.Settings = json.RawMessage(`{"seed":7}`)
		require.NoError(t, s.Projects().Update(ctx(t), a))
		assert.Equal(t, p.Version+1, a.Version)

		b.Name = "stale"
		assert.ErrorIs(t, s.Projects().Update(ctx(t), b), store.ErrConflict, "update from a stale version")

		got, err := s.Projects().Get(ctx(t), p.ID)
		require.NoError(t, err)
		assert.Equal(t, store.Public, got.Visibility)
		assert.Equal(t, "pets", got.Name)
		assert.JSONEq(t, `{"seed":7}`, string(got.Settings))
		assert.Equal(t, p.Version+1, got.Version)
		v, err := s.Projects().Version(ctx(t), p.ID)
		require.NoError(t, err)
		assert.Equal(t, p.Version+1, v, "Version reads what Update stored")
		_, err = s.Projects().Version(ctx(t), "missing")
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Projects().Version(ctx(t), "")
		assert.ErrorIs(t, err, store.ErrInvalid)

		missing := newProject("x")
		missing.ID, missing.Version = "missing", 1
		assert.ErrorIs(t, s.Projects().Update(ctx(t), missing), store.ErrNotFound)
	})
	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		p := newProject("pets")
		require.NoError(t, s.Projects().Create(ctx(t), p))
		require.NoError(t, s.Projects().Delete(ctx(t), p.ID))
		_, err := s.Projects().Get(ctx(t), p.ID)
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, s.Projects().Delete(ctx(t), p.ID), store.ErrNotFound)

		// Created again under the id, the project starts above every
		// version the deleted one reached: a version names one state.
		again := newProject("pets")
		again.ID = p.ID
		require.NoError(t, s.Projects().Create(ctx(t), again))
		assert.Greater(t, again.Version, p.Version)
	})
	t.Run("DeleteCascades", func(t *testing.T) {
		t.Parallel()
		testDeleteCascades(t, h)
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		for name, mut := range map[string]func(*store.Project){
			"no name":                 func(p *store.Project) { p.Name = "" },
			"bad visibility":          func(p *store.Project) { p.Visibility = "secret" },
			"bad operation override":  func(p *store.Project) { p.OperationVisibility = map[string]store.Visibility{"x": "y"} },
			"bad spec format":         func(p *store.Project) { p.SpecFormat = "xml" },
			"settings not an object":  func(p *store.Project) { p.Settings = json.RawMessage(`[1]`) },
			"settings not even JSON ": func(p *store.Project) { p.Settings = json.RawMessage(`{`) },
		} {
			p := newProject("pets")
			mut(p)
			assert.ErrorIs(t, s.Projects().Create(ctx(t), p), store.ErrInvalid, name)
		}
		_, err := s.Projects().Get(ctx(t), "")
		assert.ErrorIs(t, err, store.ErrInvalid)
	})
	t.Run("IDs", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		for _, tc := range []struct {
			id string
			ok bool
		}{
			{"pets", true}, {"Pets_v2-beta", true}, {strings.Repeat("a", 64), true},
			{"..", false}, {".", false}, {"a/b", false}, {"a\x00b", false}, {"a\nb", false}, {"a b", false},
			{"a.b", false}, {"%2e%2e", false}, {"é", false}, {strings.Repeat("a", 65), false},
		} {
			p := newProject("p")
			p.ID = tc.id
			err := s.Projects().Create(ctx(t), p)
			_, getErr := s.Projects().Get(ctx(t), tc.id)
			linkErr := s.Links().Create(ctx(t), &store.Link{Project: tc.id, Hash: "h-" + fmt.Sprint(len(tc.id)) + tc.id})
			k := newKey("key-" + tc.id)
			k.Projects = []string{tc.id}
			keyErr := s.Keys().Create(ctx(t), k)
			if tc.ok {
				assert.NoError(t, err, "%q", tc.id)
				assert.NoError(t, getErr, "%q", tc.id)
				assert.NoError(t, linkErr, "%q", tc.id)
				assert.NoError(t, keyErr, "%q", tc.id)
				continue
			}
			assert.ErrorIs(t, err, store.ErrInvalid, "create %q", tc.id)
			assert.ErrorIs(t, getErr, store.ErrInvalid, "get %q", tc.id)
			assert.ErrorIs(t, linkErr, store.ErrInvalid, "a link to %q", tc.id)
			assert.ErrorIs(t, keyErr, store.ErrInvalid, "a key scoped to %q", tc.id)
		}
	})
}

func newKey(hash string) *store.Key {
	return &store.Key{Hash: hash, Prefix: hash[:4], Name: "ci", Owner: "alice", Projects: []string{"p1", "p2"}}
}

func testKeys(t *testing.T, h Harness) {
	t.Run("CreateLookup", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		k := newKey("hash-one")
		k.ExpiresAt = time.Now().Add(time.Hour)
		require.NoError(t, s.Keys().Create(ctx(t), k))
		require.NotEmpty(t, k.ID)
		got, err := s.Keys().Lookup(ctx(t), "hash-one")
		require.NoError(t, err)
		assert.Equal(t, k.ID, got.ID)
		assert.Equal(t, "hash", got.Prefix)
		assert.Equal(t, []string{"p1", "p2"}, got.Projects)
		assert.True(t, got.Allows("p2"))
		assert.False(t, got.Allows("p3"))
		assert.True(t, k.ExpiresAt.Equal(got.ExpiresAt))
		assert.True(t, got.RevokedAt.IsZero())

		all := newKey("hash-all")
		all.Projects = nil
		require.NoError(t, s.Keys().Create(ctx(t), all))
		got, err = s.Keys().Get(ctx(t), all.ID)
		require.NoError(t, err)
		assert.True(t, got.Allows("anything"), "an unscoped key allows every project")

		assert.ErrorIs(t, s.Keys().Create(ctx(t), newKey("hash-one")), store.ErrConflict, "duplicate hash")
		_, err = s.Keys().Lookup(ctx(t), "hash-unknown")
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, s.Keys().Create(ctx(t), &store.Key{}), store.ErrInvalid)
	})
	t.Run("ListByOwner", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		for i, owner := range []string{"alice", "bob", "alice"} {
			k := newKey(fmt.Sprint("hash-", i))
			k.Owner = owner
			require.NoError(t, s.Keys().Create(ctx(t), k))
		}
		ks, err := s.Keys().List(ctx(t), "alice")
		require.NoError(t, err)
		require.Len(t, ks, 2)
		assert.Equal(t, "hash-0", ks[0].Hash)
		assert.Equal(t, "hash-2", ks[1].Hash)
		ks, err = s.Keys().List(ctx(t), "")
		require.NoError(t, err)
		assert.Len(t, ks, 3)
	})
	t.Run("RevokeAndExpiry", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		k := newKey("hash-revoked")
		require.NoError(t, s.Keys().Create(ctx(t), k))
		at := time.Now().Add(-time.Minute)
		require.NoError(t, s.Keys().Revoke(ctx(t), k.ID, at))
		require.NoError(t, s.Keys().Revoke(ctx(t), k.ID, time.Now()), "revoking twice")
		_, err := s.Keys().Lookup(ctx(t), "hash-revoked")
		assert.ErrorIs(t, err, store.ErrNotFound, "a revoked key is refused")
		got, err := s.Keys().Get(ctx(t), k.ID)
		require.NoError(t, err)
		assert.WithinDuration(t, at, got.RevokedAt, time.Millisecond, "the first revocation time stays")
		assert.ErrorIs(t, s.Keys().Revoke(ctx(t), "missing", at), store.ErrNotFound)

		old := newKey("hash-expired")
		old.ExpiresAt = time.Now().Add(-time.Second)
		require.NoError(t, s.Keys().Create(ctx(t), old))
		_, err = s.Keys().Lookup(ctx(t), "hash-expired")
		assert.ErrorIs(t, err, store.ErrNotFound, "an expired key is refused")
	})
	t.Run("Rotate", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name      string
			grace     time.Duration
			oldWorks  bool
			oldExpiry bool
		}{
			{"WithGrace", time.Hour, true, true},
			{"Immediate", 0, false, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := h.open(t)
				old := newKey("hash-old")
				require.NoError(t, s.Keys().Create(ctx(t), old))
				var expires time.Time
				if tc.grace > 0 {
					expires = time.Now().Add(tc.grace)
				}
				next := newKey("hash-new")
				require.NoError(t, s.Keys().Rotate(ctx(t), old.ID, next, expires))
				got, err := s.Keys().Lookup(ctx(t), "hash-new")
				require.NoError(t, err)
				assert.Equal(t, next.ID, got.ID)
				_, err = s.Keys().Lookup(ctx(t), "hash-old")
				if tc.oldWorks {
					assert.NoError(t, err, "the old key works during the grace period")
				} else {
					assert.ErrorIs(t, err, store.ErrNotFound, "the old key stops at once")
				}
				o, err := s.Keys().Get(ctx(t), old.ID)
				require.NoError(t, err)
				if tc.oldExpiry {
					assert.WithinDuration(t, expires, o.ExpiresAt, time.Millisecond)
				}
				assert.ErrorIs(t, s.Keys().Rotate(ctx(t), "missing", newKey("hash-x"), expires), store.ErrNotFound)
				_, err = s.Keys().Lookup(ctx(t), "hash-x")
				assert.ErrorIs(t, err, store.ErrNotFound, "a failed rotation creates nothing")
				assert.ErrorIs(t, s.Keys().Rotate(ctx(t), next.ID, newKey("hash-old"), expires), store.ErrConflict, "rotating to a hash in use")
				_, err = s.Keys().Lookup(ctx(t), "hash-new")
				assert.NoError(t, err, "a failed rotation leaves the old key alone")
			})
		}
	})
	t.Run("RotateKeepsExpiry", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		now := time.Now().UTC()
		for _, tc := range []struct {
			name    string
			old     func(k *store.Key)
			next    time.Time // the successor's own ExpiresAt
			wantErr error
			want    time.Time // the successor's expiry
		}{
			{"expiry kept", func(k *store.Key) { k.ExpiresAt = now.Add(time.Hour) }, time.Time{}, nil, now.Add(time.Hour)},
			{"never extended", func(k *store.Key) { k.ExpiresAt = now.Add(time.Hour) }, now.Add(48 * time.Hour), nil, now.Add(time.Hour)},
			{"shorter kept", func(k *store.Key) { k.ExpiresAt = now.Add(time.Hour) }, now.Add(time.Minute), nil, now.Add(time.Minute)},
			{"no expiry", func(k *store.Key) {}, time.Time{}, nil, time.Time{}},
			{"expired", func(k *store.Key) { k.ExpiresAt = now.Add(-time.Minute) }, time.Time{}, store.ErrNotFound, time.Time{}},
		} {
			old := newKey("hash-old-" + tc.name)
			tc.old(old)
			require.NoError(t, s.Keys().Create(ctx(t), old), tc.name)
			next := newKey("hash-next-" + tc.name)
			next.ExpiresAt = tc.next
			err := s.Keys().Rotate(ctx(t), old.ID, next, time.Time{})
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr, tc.name)
				_, err = s.Keys().Lookup(ctx(t), next.Hash)
				assert.ErrorIs(t, err, store.ErrNotFound, "%s: nothing created", tc.name)
				continue
			}
			require.NoError(t, err, tc.name)
			got, err := s.Keys().Get(ctx(t), next.ID)
			require.NoError(t, err, tc.name)
			assert.WithinDuration(t, tc.want, got.ExpiresAt, time.Millisecond, tc.name)
			assert.Equal(t, tc.want.IsZero(), got.ExpiresAt.IsZero(), tc.name)
		}
		revoked := newKey("hash-revoked")
		require.NoError(t, s.Keys().Create(ctx(t), revoked))
		require.NoError(t, s.Keys().Revoke(ctx(t), revoked.ID, time.Now()))
		assert.ErrorIs(t, s.Keys().Rotate(ctx(t), revoked.ID, newKey("hash-from-revoked"), time.Time{}), store.ErrNotFound)
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		k := newKey("hash-update")
		require.NoError(t, s.Keys().Create(ctx(t), k))
		expires := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
		for _, tc := range []struct {
			name   string
			change func(k *store.Key)
			active bool // Lookup finds the key
		}{
			{"rename and rescope", func(k *store.Key) { k.Name, k.Projects = "renamed", []string{"p3"} }, true},
			{"expiry", func(k *store.Key) { k.ExpiresAt = expires }, true},
			{"deactivate", func(k *store.Key) { k.DeactivatedAt = time.Now() }, false},
			{"reactivate", func(k *store.Key) { k.DeactivatedAt = time.Time{} }, true},
			{"every project", func(k *store.Key) { k.Projects = nil }, true},
			{"expiry cleared", func(k *store.Key) { k.ExpiresAt = time.Time{} }, true},
		} {
			var cur *store.Key
			returned, err := s.Keys().Update(ctx(t), k.ID, func(key *store.Key) error {
				assert.Equal(t, "hash-update", key.Hash, "%s: change gets the stored key", tc.name)
				tc.change(key)
				key.Hash, key.Owner, key.Prefix = "ignored", "ignored", "ignored"
				c := *key
				cur = &c
				return nil
			})
			require.NoError(t, err, tc.name)
			assert.Equal(t, cur.Name, returned.Name, "%s: Update returns the key as stored", tc.name)
			got, err := s.Keys().Get(ctx(t), k.ID)
			require.NoError(t, err, tc.name)
			assert.Equal(t, cur.Name, got.Name, tc.name)
			assert.Equal(t, len(cur.Projects), len(got.Projects), tc.name)
			if len(cur.Projects) > 0 {
				assert.Equal(t, cur.Projects, got.Projects, tc.name)
			}
			assert.True(t, cur.ExpiresAt.Equal(got.ExpiresAt), "%s: expires %v, want %v", tc.name, got.ExpiresAt, cur.ExpiresAt)
			assert.Equal(t, cur.DeactivatedAt.IsZero(), got.DeactivatedAt.IsZero(), tc.name)
			assert.Equal(t, "hash-update", got.Hash, "%s: the hash is not updated", tc.name)
			assert.Equal(t, "alice", got.Owner, "%s: the owner is not updated", tc.name)
			_, err = s.Keys().Lookup(ctx(t), "hash-update")
			if tc.active {
				assert.NoError(t, err, tc.name)
			} else {
				assert.ErrorIs(t, err, store.ErrNotFound, "%s: a deactivated key is refused", tc.name)
			}
		}
		noop := func(*store.Key) error { return nil }
		_, err := s.Keys().Update(ctx(t), "missing", noop)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Keys().Update(ctx(t), "", noop)
		assert.ErrorIs(t, err, store.ErrInvalid)
		_, err = s.Keys().Update(ctx(t), k.ID, func(key *store.Key) error {
			key.Name, key.Projects = "not written", []string{"not a project id"}
			return nil
		})
		assert.ErrorIs(t, err, store.ErrInvalid)
		errStop := errors.New("stop")
		_, err = s.Keys().Update(ctx(t), k.ID, func(key *store.Key) error {
			key.Name = "not written"
			return errStop
		})
		assert.ErrorIs(t, err, errStop, "change's error is returned")
		got, err := s.Keys().Get(ctx(t), k.ID)
		require.NoError(t, err)
		assert.NotEqual(t, "not written", got.Name, "nothing is written on an error")

		require.NoError(t, s.Keys().Revoke(ctx(t), k.ID, time.Now()))
		_, err = s.Keys().Update(ctx(t), k.ID, func(key *store.Key) error {
			t.Error("change is not called for a revoked key")
			return nil
		})
		assert.ErrorIs(t, err, store.ErrConflict, "a revoked key cannot be changed")
	})
	t.Run("UpdatesDoNotLoseEachOther", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		k := newKey("hash-concurrent")
		require.NoError(t, s.Keys().Create(ctx(t), k))
		// Each writer changes its own field at the same time as the
		// others; a read-modify-write that let another Update in between
		// would write back a stale value of another writer's field.
		const writers = 8
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				_, err := s.Keys().Update(ctx(t), k.ID, func(key *store.Key) error {
					switch i {
					case 0:
						key.DeactivatedAt = time.Now()
					case 1:
						key.ExpiresAt = time.Now().Add(time.Hour)
					case 2:
						key.Projects = []string{"p9"}
					default:
						key.Name = fmt.Sprint("name-", i)
					}
					return nil
				})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := s.Keys().Get(ctx(t), k.ID)
		require.NoError(t, err)
		assert.False(t, got.DeactivatedAt.IsZero(), "the deactivation holds")
		assert.False(t, got.ExpiresAt.IsZero(), "the expiry holds")
		assert.Equal(t, []string{"p9"}, got.Projects, "the scope holds")
		assert.True(t, strings.HasPrefix(got.Name, "name-"), "a name holds")
	})
	t.Run("TouchCoalesced", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		k := newKey("hash-touch")
		require.NoError(t, s.Keys().Create(ctx(t), k))
		base := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
		latest := base.Add(99 * time.Second)
		// Out of order: the latest time wins, whatever the order of calls.
		for i := range 100 {
			require.NoError(t, s.Keys().Touch(ctx(t), k.ID, base.Add(time.Duration((i*37)%100)*time.Second)))
		}
		require.NoError(t, s.Flush(ctx(t)))
		got, err := s.Keys().Get(ctx(t), k.ID)
		require.NoError(t, err)
		assert.True(t, latest.Equal(got.LastUsedAt), "last used %v, want %v", got.LastUsedAt, latest)

		require.NoError(t, s.Keys().Touch(ctx(t), k.ID, base))
		require.NoError(t, s.Flush(ctx(t)))
		got, err = s.Keys().Get(ctx(t), k.ID)
		require.NoError(t, err)
		assert.True(t, latest.Equal(got.LastUsedAt), "an older touch does not move last-used back")

		require.NoError(t, s.Keys().Touch(ctx(t), "missing", base), "touching a deleted key is harmless")
		require.NoError(t, s.Flush(ctx(t)))
	})
}

func testLinks(t *testing.T, h Harness) {
	t.Run("CreateLookupList", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := &store.Link{Project: "p1", Hash: "link-1", Prefix: "lnk", Name: "demo", TokenRequired: true, ExpiresAt: time.Now().Add(time.Hour),
			VisitorRequests: 3, VisitorPer: time.Minute}
		require.NoError(t, s.Links().Create(ctx(t), l))
		require.NoError(t, s.Links().Create(ctx(t), &store.Link{Project: "p2", Hash: "link-2"}))
		got, err := s.Links().Lookup(ctx(t), "link-1")
		require.NoError(t, err)
		assert.Equal(t, l.ID, got.ID)
		assert.Equal(t, "p1", got.Project)
		assert.True(t, got.TokenRequired)
		assert.Equal(t, "demo", got.Name)
		assert.True(t, l.ExpiresAt.Equal(got.ExpiresAt))
		assert.Equal(t, 3, got.VisitorRequests)
		assert.Equal(t, time.Minute, got.VisitorPer)
		ls, err := s.Links().List(ctx(t), "p1")
		require.NoError(t, err)
		require.Len(t, ls, 1)
		assert.Equal(t, l.ID, ls[0].ID)
		ls, err = s.Links().List(ctx(t), "")
		require.NoError(t, err)
		assert.Len(t, ls, 2)
		assert.ErrorIs(t, s.Links().Create(ctx(t), &store.Link{Project: "p1", Hash: "link-1"}), store.ErrConflict)
		assert.ErrorIs(t, s.Links().Create(ctx(t), &store.Link{Hash: "link-3"}), store.ErrInvalid)
		expired := &store.Link{Project: "p1", Hash: "link-old", ExpiresAt: time.Now().Add(-time.Second)}
		require.NoError(t, s.Links().Create(ctx(t), expired))
		_, err = s.Links().Lookup(ctx(t), "link-old")
		assert.ErrorIs(t, err, store.ErrNotFound, "an expired link is refused")
	})
	t.Run("Revoke", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := &store.Link{Project: "p1", Hash: "link-1"}
		require.NoError(t, s.Links().Create(ctx(t), l))
		require.NoError(t, s.Links().Revoke(ctx(t), l.ID, time.Now()))
		_, err := s.Links().Lookup(ctx(t), "link-1")
		assert.ErrorIs(t, err, store.ErrNotFound)
		got, err := s.Links().Get(ctx(t), l.ID)
		require.NoError(t, err)
		assert.False(t, got.RevokedAt.IsZero())
		_, err = s.Links().Regenerate(ctx(t), l.ID, "link-2", "")
		assert.ErrorIs(t, err, store.ErrNotFound, "a revoked link cannot be regenerated")
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := &store.Link{Project: "p1", Hash: "link-1", Prefix: "lnk", Name: "demo"}
		require.NoError(t, s.Links().Create(ctx(t), l))
		expires := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
		for _, tc := range []struct {
			name   string
			change func(l *store.Link)
			active bool // Lookup finds the link
		}{
			{"rename and require a token", func(l *store.Link) { l.Name, l.TokenRequired = "QA", true }, true},
			{"expiry", func(l *store.Link) { l.ExpiresAt = expires }, true},
			{"disable", func(l *store.Link) { l.DisabledAt = time.Now() }, false},
			{"enable", func(l *store.Link) { l.DisabledAt = time.Time{} }, true},
			{"no token, no expiry", func(l *store.Link) { l.TokenRequired, l.ExpiresAt = false, time.Time{} }, true},
			{"visitor limit", func(l *store.Link) { l.VisitorRequests, l.VisitorPer = 5, 90*time.Second }, true},
			{"no visitor limit", func(l *store.Link) { l.VisitorRequests, l.VisitorPer = 0, 0 }, true},
		} {
			var cur *store.Link
			_, err := s.Links().Update(ctx(t), l.ID, func(link *store.Link) error {
				tc.change(link)
				link.Hash, link.Project = "ignored", "ignored"
				c := *link
				cur = &c
				return nil
			})
			require.NoError(t, err, tc.name)
			got, err := s.Links().Get(ctx(t), l.ID)
			require.NoError(t, err, tc.name)
			assert.Equal(t, cur.Name, got.Name, tc.name)
			assert.Equal(t, cur.TokenRequired, got.TokenRequired, tc.name)
			assert.True(t, cur.ExpiresAt.Equal(got.ExpiresAt), "%s: expires %v, want %v", tc.name, got.ExpiresAt, cur.ExpiresAt)
			assert.Equal(t, cur.DisabledAt.IsZero(), got.DisabledAt.IsZero(), tc.name)
			assert.Equal(t, cur.VisitorRequests, got.VisitorRequests, tc.name)
			assert.Equal(t, cur.VisitorPer, got.VisitorPer, tc.name)
			assert.Equal(t, "link-1", got.Hash, "%s: the hash is not updated", tc.name)
			assert.Equal(t, "p1", got.Project, "%s: the project is not updated", tc.name)
			_, err = s.Links().Lookup(ctx(t), "link-1")
			if tc.active {
				assert.NoError(t, err, tc.name)
			} else {
				assert.ErrorIs(t, err, store.ErrNotFound, "%s: a disabled link is refused", tc.name)
			}
		}
		noop := func(*store.Link) error { return nil }
		_, err := s.Links().Update(ctx(t), "missing", noop)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Links().Update(ctx(t), "", noop)
		assert.ErrorIs(t, err, store.ErrInvalid)
		_, err = s.Links().Update(ctx(t), l.ID, func(link *store.Link) error { link.VisitorRequests = -1; return nil })
		assert.ErrorIs(t, err, store.ErrInvalid)
		require.NoError(t, s.Links().Revoke(ctx(t), l.ID, time.Now()))
		_, err = s.Links().Update(ctx(t), l.ID, func(link *store.Link) error { link.Name = "revived?"; return nil })
		assert.ErrorIs(t, err, store.ErrConflict, "a revoked link cannot be changed")
		got, err := s.Links().Get(ctx(t), l.ID)
		require.NoError(t, err)
		assert.NotEqual(t, "revived?", got.Name)
	})
	t.Run("Regenerate", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		l := &store.Link{Project: "p1", Hash: "link-1", Prefix: "old"}
		require.NoError(t, s.Links().Create(ctx(t), l))
		require.NoError(t, s.Links().Create(ctx(t), &store.Link{Project: "p1", Hash: "link-taken"}))
		got, err := s.Links().Regenerate(ctx(t), l.ID, "link-2", "new")
		require.NoError(t, err)
		assert.Equal(t, "link-2", got.Hash)
		assert.Equal(t, "new", got.Prefix)
		_, err = s.Links().Lookup(ctx(t), "link-1")
		assert.ErrorIs(t, err, store.ErrNotFound, "the old token stops working")
		got, err = s.Links().Lookup(ctx(t), "link-2")
		require.NoError(t, err)
		assert.Equal(t, l.ID, got.ID)
		_, err = s.Links().Regenerate(ctx(t), l.ID, "link-taken", "")
		assert.ErrorIs(t, err, store.ErrConflict)
		_, err = s.Links().Lookup(ctx(t), "link-2")
		assert.NoError(t, err, "a failed regeneration keeps the current token")
		_, err = s.Links().Regenerate(ctx(t), "missing", "link-9", "")
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
}

// testDeleteCascades deletes one of two projects that each have records in
// base and session scopes, links, log entries and keys: the deleted
// project's records, links and log entries go, its keys no longer name it
// (a key scoped to it alone is revoked), and the other project keeps
// everything. A new project that reuses the id accepts none of the old keys.
func testDeleteCascades(t *testing.T, h Harness) {
	s := h.open(t)
	ids := map[string]string{}
	for _, name := range []string{"gone", "kept"} {
		p := newProject(name)
		p.ID = name
		require.NoError(t, s.Projects().Create(ctx(t), p))
		for _, sc := range []store.Scope{{Project: name}, {Project: name, Session: "visitor"}} {
			for _, c := range []string{"pets", "toys"} {
				_, err := s.Records().Create(ctx(t), sc, c, "", raw(`{"a":1}`))
				require.NoError(t, err)
			}
		}
		l := &store.Link{Project: name, Hash: "link-" + name}
		require.NoError(t, s.Links().Create(ctx(t), l))
		ids[name] = l.ID
		require.NoError(t, s.RequestLog().Append(ctx(t),
			store.Entry{Project: name, Operation: "listPets", Status: 200},
			store.Entry{Project: name, Operation: "getPet", Status: 404, Session: "visitor"}))
		k := newKey("key-" + name)
		k.Projects = []string{name}
		require.NoError(t, s.Keys().Create(ctx(t), k))
		ids["key-"+name] = k.ID
	}
	shared := newKey("key-shared")
	shared.Projects = []string{"gone", "kept"}
	require.NoError(t, s.Keys().Create(ctx(t), shared))
	// Records of a project id with no project: Delete of it fails and
	// removes nothing.
	_, err := s.Records().Create(ctx(t), store.Scope{Project: "ghost"}, "pets", "1", raw(`{}`))
	require.NoError(t, err)

	require.NoError(t, s.Projects().Delete(ctx(t), "gone"))
	assert.ErrorIs(t, s.Projects().Delete(ctx(t), "ghost"), store.ErrNotFound)
	assert.Equal(t, 1, count(t, s.Records(), store.Scope{Project: "ghost"}, "pets"), "a failed delete removes nothing")

	for name, want := range map[string]int{"gone": 0, "kept": 1} {
		for _, sc := range []store.Scope{{Project: name}, {Project: name, Session: "visitor"}} {
			for _, c := range []string{"pets", "toys"} {
				visible := want // base record
				if sc.Session != "" {
					visible += want // and the session's own
				}
				assert.Equal(t, visible, count(t, s.Records(), sc, c), "%s %q %s", name, sc.Session, c)
			}
		}
		ls, err := s.Links().List(ctx(t), name)
		require.NoError(t, err)
		assert.Len(t, ls, want, "links of %s", name)
		_, err = s.Links().Get(ctx(t), ids[name])
		if want == 0 {
			assert.ErrorIs(t, err, store.ErrNotFound, "link of %s", name)
		} else {
			assert.NoError(t, err, "link of %s", name)
		}
		_, err = s.Links().Lookup(ctx(t), "link-"+name)
		assert.Equal(t, want == 0, errors.Is(err, store.ErrNotFound), "lookup of the link of %s: %v", name, err)
		es, err := s.RequestLog().Query(ctx(t), store.LogQuery{Project: name})
		require.NoError(t, err)
		assert.Len(t, es, 2*want, "log of %s", name)
		st, err := s.RequestLog().Stats(ctx(t), name, time.Time{}, time.Time{})
		require.NoError(t, err)
		assert.Equal(t, 2*want, st.Total, "stats of %s", name)
		_, err = s.Keys().Get(ctx(t), ids["key-"+name])
		assert.NoError(t, err, "keys stay: %s", name)
	}
	k, err := s.Keys().Lookup(ctx(t), "key-shared")
	require.NoError(t, err, "a key scoped to several projects stays")
	assert.Equal(t, []string{"kept"}, k.Projects, "the deleted project leaves the key's scope")
	_, err = s.Keys().Lookup(ctx(t), "key-kept")
	assert.NoError(t, err)
	_, err = s.Keys().Lookup(ctx(t), "key-gone")
	assert.ErrorIs(t, err, store.ErrNotFound, "a key scoped to the deleted project alone is revoked, not opened to every project")
	gone, err := s.Keys().Get(ctx(t), ids["key-gone"])
	require.NoError(t, err)
	assert.False(t, gone.Allows("kept"), "the revoked key's scope is not widened")
	_, err = s.Projects().Get(ctx(t), "kept")
	assert.NoError(t, err)

	reused := newProject("reused")
	reused.ID = "gone"
	require.NoError(t, s.Projects().Create(ctx(t), reused))
	k, err = s.Keys().Lookup(ctx(t), "key-shared")
	require.NoError(t, err)
	assert.False(t, k.Allows("gone"), "a project reusing the id does not accept the old keys")
	_, err = s.Keys().Lookup(ctx(t), "key-gone")
	assert.ErrorIs(t, err, store.ErrNotFound)
}
