package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/store"
)

// newUser creates a user whose token hash is "tok-"+name.
func newUser(t testing.TB, s *store.Store, name string) *store.User {
	t.Helper()
	u := &store.User{Name: name, Email: name + "@example.com"}
	require.NoError(t, s.Users().Create(ctx(t), u, &store.UserToken{Hash: "tok-" + name, Prefix: "mu_" + name[:1]}))
	return u
}

func testUsers(t *testing.T, h Harness) {
	t.Run("CreateLookup", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		u := &store.User{Name: "Ada", Email: "  Ada@Example.COM "}
		tok := &store.UserToken{Hash: "tok-ada", Prefix: "mu_a"}
		require.NoError(t, s.Users().Create(ctx(t), u, tok))
		require.NotEmpty(t, u.ID)
		assert.Equal(t, "ada@example.com", u.Email, "stored trimmed and lower-case")
		assert.Equal(t, u.ID, tok.User)

		got, gotTok, err := s.Users().Lookup(ctx(t), "tok-ada")
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		assert.Equal(t, "Ada", got.Name)
		assert.Equal(t, tok.ID, gotTok.ID)
		assert.Equal(t, "mu_a", gotTok.Prefix)
		byEmail, err := s.Users().ByEmail(ctx(t), "ADA@example.com")
		require.NoError(t, err)
		assert.Equal(t, u.ID, byEmail.ID)
		assert.True(t, u.CreatedAt.Equal(byEmail.CreatedAt))

		_, _, err = s.Users().Lookup(ctx(t), "tok-unknown")
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("Refusals", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		newUser(t, s, "ada")
		for _, tc := range []struct {
			name  string
			user  *store.User
			token *store.UserToken
			want  error
		}{
			{"duplicate email in another case", &store.User{Email: "ADA@example.com"}, &store.UserToken{Hash: "tok-2"}, store.ErrConflict},
			{"duplicate token hash", &store.User{Email: "bob@example.com"}, &store.UserToken{Hash: "tok-ada"}, store.ErrConflict},
			{"no email", &store.User{Name: "x"}, &store.UserToken{Hash: "tok-3"}, store.ErrInvalid},
			{"not an email", &store.User{Email: "Ada <ada@x.org>"}, &store.UserToken{Hash: "tok-4"}, store.ErrInvalid},
			{"no token hash", &store.User{Email: "carl@example.com"}, &store.UserToken{}, store.ErrInvalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				assert.ErrorIs(t, s.Users().Create(ctx(t), tc.user, tc.token), tc.want)
			})
		}
		all, err := s.Users().List(ctx(t))
		require.NoError(t, err)
		assert.Len(t, all, 1, "a refused user is not stored")
	})
	t.Run("UpdateList", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		a, b := newUser(t, s, "ada"), newUser(t, s, "bob")
		got, err := s.Users().Update(ctx(t), a.ID, func(u *store.User) error {
			u.Name, u.Email = "Ada L.", "Ada.L@example.com"
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, "Ada L.", got.Name)
		assert.Equal(t, "ada.l@example.com", got.Email)
		_, err = s.Users().Update(ctx(t), b.ID, func(u *store.User) error { u.Email = "ada.l@example.com"; return nil })
		assert.ErrorIs(t, err, store.ErrConflict, "another user's email")
		_, err = s.Users().Update(ctx(t), "nobody", func(*store.User) error { return nil })
		assert.ErrorIs(t, err, store.ErrNotFound)
		all, err := s.Users().List(ctx(t))
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, []string{a.ID, b.ID}, []string{all[0].ID, all[1].ID}, "by creation")
		assert.Equal(t, "bob@example.com", all[1].Email, "a refused update writes nothing")
	})
	t.Run("RotateRevoke", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		u := newUser(t, s, "ada")
		next := &store.UserToken{Hash: "tok-ada-2", Prefix: "mu_b"}
		require.NoError(t, s.Users().Rotate(ctx(t), u.ID, next))
		_, _, err := s.Users().Lookup(ctx(t), "tok-ada")
		assert.ErrorIs(t, err, store.ErrNotFound, "rotation revokes the old token at once")
		_, tok, err := s.Users().Lookup(ctx(t), "tok-ada-2")
		require.NoError(t, err)
		assert.Equal(t, next.ID, tok.ID)
		toks, err := s.Users().Tokens(ctx(t), u.ID)
		require.NoError(t, err)
		require.Len(t, toks, 2)
		assert.False(t, toks[0].RevokedAt.IsZero())
		assert.True(t, toks[1].RevokedAt.IsZero())

		require.NoError(t, s.Users().RevokeTokens(ctx(t), u.ID))
		_, _, err = s.Users().Lookup(ctx(t), "tok-ada-2")
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, s.Users().Rotate(ctx(t), "nobody", &store.UserToken{Hash: "x"}), store.ErrNotFound)
		assert.ErrorIs(t, s.Users().RevokeTokens(ctx(t), "nobody"), store.ErrNotFound)
	})
	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		u, other := newUser(t, s, "ada"), newUser(t, s, "bob")
		require.NoError(t, s.Teams().Create(ctx(t), &store.Team{ID: "t1", Name: "T"}, u.ID))
		owned, foreign := newKey("hash-owned"), newKey("hash-foreign")
		owned.Owner, foreign.Owner = u.ID, other.ID
		require.NoError(t, s.Keys().Create(ctx(t), owned))
		require.NoError(t, s.Keys().Create(ctx(t), foreign))

		require.NoError(t, s.Users().Delete(ctx(t), u.ID))
		_, err := s.Users().Get(ctx(t), u.ID)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, _, err = s.Users().Lookup(ctx(t), "tok-ada")
		assert.ErrorIs(t, err, store.ErrNotFound, "the token goes with its user")
		ok, err := s.Teams().IsMember(ctx(t), u.ID, "t1")
		require.NoError(t, err)
		assert.False(t, ok, "so do the memberships")
		_, err = s.Keys().Lookup(ctx(t), "hash-owned")
		assert.ErrorIs(t, err, store.ErrNotFound, "keys the user owns are revoked")
		_, err = s.Keys().Lookup(ctx(t), "hash-foreign")
		assert.NoError(t, err, "other keys stay")
		assert.ErrorIs(t, s.Users().Delete(ctx(t), u.ID), store.ErrNotFound)
		// The email is free again.
		newUser(t, s, "ada")
	})
}

func testTeams(t *testing.T, h Harness) {
	t.Run("Lifecycle", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		ada, bob := newUser(t, s, "ada"), newUser(t, s, "bob")
		team := &store.Team{ID: "core", Name: "Core"}
		require.NoError(t, s.Teams().Create(ctx(t), team, ada.ID))
		require.NoError(t, s.Teams().Create(ctx(t), &store.Team{Name: "Other"}, ""))
		assert.ErrorIs(t, s.Teams().Create(ctx(t), &store.Team{ID: "core", Name: "again"}, ""), store.ErrConflict)
		assert.ErrorIs(t, s.Teams().Create(ctx(t), &store.Team{ID: "x", Name: ""}, ""), store.ErrInvalid)
		err := s.Teams().Create(ctx(t), &store.Team{ID: "a b", Name: "AB"}, "")
		assert.ErrorIs(t, err, store.ErrInvalid)
		assert.ErrorContains(t, err, `team id "a b"`)
		assert.ErrorIs(t, s.Teams().Create(ctx(t), &store.Team{ID: "y", Name: "Y"}, "nobody"), store.ErrNotFound)
		_, err = s.Teams().Get(ctx(t), "y")
		assert.ErrorIs(t, err, store.ErrNotFound, "a refused owner creates no team")

		m, err := s.Teams().Member(ctx(t), "core", ada.ID)
		require.NoError(t, err)
		assert.Equal(t, store.RoleOwner, m.Role, "the creator owns the team")

		_, err = s.Teams().PutMember(ctx(t), "core", bob.ID, store.RoleMember)
		require.NoError(t, err)
		_, err = s.Teams().PutMember(ctx(t), "core", "nobody", store.RoleMember)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Teams().PutMember(ctx(t), "core", bob.ID, "admin")
		assert.ErrorIs(t, err, store.ErrInvalid)
		members, err := s.Teams().Members(ctx(t), "core")
		require.NoError(t, err)
		require.Len(t, members, 2)
		assert.Equal(t, ada.ID, members[0].User)
		assert.Equal(t, bob.ID, members[1].User)
		m, err = s.Teams().PutMember(ctx(t), "core", bob.ID, store.RoleOwner)
		require.NoError(t, err)
		assert.Equal(t, store.RoleOwner, m.Role, "putting again changes the role")

		mine, err := s.Teams().List(ctx(t), bob.ID)
		require.NoError(t, err)
		require.Len(t, mine, 1)
		assert.Equal(t, "core", mine[0].ID)
		all, err := s.Teams().List(ctx(t), "")
		require.NoError(t, err)
		assert.Len(t, all, 2)

		renamed, err := s.Teams().Rename(ctx(t), "core", "Core team")
		require.NoError(t, err)
		assert.Equal(t, "Core team", renamed.Name)
		_, err = s.Teams().Rename(ctx(t), "nope", "x")
		assert.ErrorIs(t, err, store.ErrNotFound)

		require.NoError(t, s.Teams().RemoveMember(ctx(t), "core", bob.ID))
		ok, err := s.Teams().IsMember(ctx(t), bob.ID, "core")
		require.NoError(t, err)
		assert.False(t, ok)
		assert.ErrorIs(t, s.Teams().RemoveMember(ctx(t), "core", bob.ID), store.ErrNotFound)
	})
	t.Run("DeleteRefusedWithProjects", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		ada := newUser(t, s, "ada")
		require.NoError(t, s.Teams().Create(ctx(t), &store.Team{ID: "core", Name: "Core"}, ada.ID))
		_, err := s.Teams().Invite(ctx(t), "core", "zed@example.com", store.RoleMember)
		require.NoError(t, err)
		p := &store.Project{ID: "p1", Name: "P", Visibility: store.Private, Team: "core"}
		require.NoError(t, s.Projects().Create(ctx(t), p))
		assert.ErrorIs(t, s.Teams().Delete(ctx(t), "core"), store.ErrConflict)
		ok, err := s.Teams().IsMember(ctx(t), ada.ID, "core")
		require.NoError(t, err)
		assert.True(t, ok, "a refused delete removes nothing")

		p.Team = ""
		require.NoError(t, s.Projects().Update(ctx(t), p))
		require.NoError(t, s.Teams().Delete(ctx(t), "core"))
		_, err = s.Teams().Get(ctx(t), "core")
		assert.ErrorIs(t, err, store.ErrNotFound)
		ok, err = s.Teams().IsMember(ctx(t), ada.ID, "core")
		require.NoError(t, err)
		assert.False(t, ok, "members go with the team")
		inv, err := s.Teams().Invites(ctx(t), "", "zed@example.com")
		require.NoError(t, err)
		assert.Empty(t, inv, "invites go with the team")
		assert.ErrorIs(t, s.Teams().Delete(ctx(t), "core"), store.ErrNotFound)
	})
	t.Run("Invites", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		ada := newUser(t, s, "ada")
		require.NoError(t, s.Teams().Create(ctx(t), &store.Team{ID: "core", Name: "Core"}, ada.ID))
		inv, err := s.Teams().Invite(ctx(t), "core", "Bob@Example.com", store.RoleMember)
		require.NoError(t, err)
		assert.Equal(t, "bob@example.com", inv.Email)
		_, err = s.Teams().Invite(ctx(t), "core", "bob@example.com", store.RoleOwner)
		assert.ErrorIs(t, err, store.ErrConflict, "one pending invite per email and team")
		_, err = s.Teams().Invite(ctx(t), "nope", "bob@example.com", store.RoleMember)
		assert.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Teams().Invite(ctx(t), "core", "not-an-email", store.RoleMember)
		assert.ErrorIs(t, err, store.ErrInvalid)

		// Pending until a user with the email exists and accepts.
		mallory := newUser(t, s, "mallory")
		_, err = s.Teams().Accept(ctx(t), inv.ID, mallory.ID)
		assert.ErrorIs(t, err, store.ErrNotFound, "an invite for another email")
		byTeam, err := s.Teams().Invites(ctx(t), "core", "")
		require.NoError(t, err)
		require.Len(t, byTeam, 1)
		bob := newUser(t, s, "bob")
		byEmail, err := s.Teams().Invites(ctx(t), "", bob.Email)
		require.NoError(t, err)
		require.Len(t, byEmail, 1)
		assert.Equal(t, inv.ID, byEmail[0].ID)

		m, err := s.Teams().Accept(ctx(t), inv.ID, bob.ID)
		require.NoError(t, err)
		assert.Equal(t, store.RoleMember, m.Role)
		_, err = s.Teams().GetInvite(ctx(t), inv.ID)
		assert.ErrorIs(t, err, store.ErrNotFound, "accepting uses the invite up")
		_, err = s.Teams().Accept(ctx(t), inv.ID, bob.ID)
		assert.ErrorIs(t, err, store.ErrNotFound)

		other, err := s.Teams().Invite(ctx(t), "core", "carl@example.com", store.RoleMember)
		require.NoError(t, err)
		require.NoError(t, s.Teams().DeleteInvite(ctx(t), other.ID))
		assert.ErrorIs(t, s.Teams().DeleteInvite(ctx(t), other.ID), store.ErrNotFound)
	})
}

func testQuotas(t *testing.T, h Harness) {
	t.Run("PutGetDelete", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		q := &store.Quota{Subject: store.UserSubject("u1"), RequestsPerDay: 10, Projects: 2}
		require.NoError(t, s.Quotas().Put(ctx(t), q))
		require.NoError(t, s.Quotas().Put(ctx(t), &store.Quota{Subject: store.ProjectSubject("p1"), RequestsPerMonth: 100}))
		got, err := s.Quotas().Get(ctx(t), "user:u1")
		require.NoError(t, err)
		assert.Equal(t, *q, *got)
		q.RequestsPerDay = 20
		require.NoError(t, s.Quotas().Put(ctx(t), q), "put replaces")
		got, err = s.Quotas().Get(ctx(t), "user:u1")
		require.NoError(t, err)
		assert.EqualValues(t, 20, got.RequestsPerDay)
		all, err := s.Quotas().List(ctx(t))
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, "project:p1", all[0].Subject)

		require.NoError(t, s.Quotas().Put(ctx(t), &store.Quota{Subject: "user:u1"}), "all zero removes")
		_, err = s.Quotas().Get(ctx(t), "user:u1")
		assert.ErrorIs(t, err, store.ErrNotFound)
		for _, bad := range []*store.Quota{{Subject: "team:t"}, {Subject: "user:"}, {Subject: "user:u", RequestsPerDay: -1}} {
			assert.ErrorIs(t, s.Quotas().Put(ctx(t), bad), store.ErrInvalid, "%+v", bad)
		}
	})
	t.Run("Counts", func(t *testing.T) {
		t.Parallel()
		s := h.open(t)
		now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		day, month := store.DayPeriod(now), store.MonthPeriod(now)
		assert.Equal(t, "d:2026-12-07", day)
		assert.Equal(t, "m:2026-12", month)
		got, err := s.Quotas().Add(ctx(t), []store.Count{{Subject: "project:p", Period: day, N: 3}, {Subject: "project:p", Period: month, N: 3}})
		require.NoError(t, err)
		assert.Equal(t, []int64{3, 3}, got)
		got, err = s.Quotas().Add(ctx(t), []store.Count{{Subject: "project:p", Period: day, N: 2}, {Subject: "project:q", Period: day}})
		require.NoError(t, err)
		assert.Equal(t, []int64{5, 0}, got, "adds, and N 0 reads")
		_, err = s.Quotas().Add(ctx(t), []store.Count{{Subject: "project:p", Period: "2026", N: 1}})
		assert.ErrorIs(t, err, store.ErrInvalid)
	})
}

// testMultiUsers checks that what one instance writes about users, teams
// and counts the other sees at once.
func testMultiUsers(t *testing.T, h Harness) {
	t.Parallel()
	open := h.opener(t)
	a, b := open(t), open(t)
	u := newUser(t, a, "ada")
	require.NoError(t, a.Teams().Create(ctx(t), &store.Team{ID: "core", Name: "Core"}, u.ID))
	ok, err := b.Teams().IsMember(ctx(t), u.ID, "core")
	require.NoError(t, err)
	assert.True(t, ok)
	require.NoError(t, a.Teams().RemoveMember(ctx(t), "core", u.ID))
	ok, err = b.Teams().IsMember(ctx(t), u.ID, "core")
	require.NoError(t, err)
	assert.False(t, ok, "a removal holds on the other instance at once")
	require.NoError(t, a.Users().RevokeTokens(ctx(t), u.ID))
	_, _, err = b.Users().Lookup(ctx(t), "tok-ada")
	assert.ErrorIs(t, err, store.ErrNotFound, "a revocation holds on the other instance at once")

	for i, st := range []*store.Store{a, b, a} {
		_, err := st.Quotas().Add(ctx(t), []store.Count{{Subject: "user:u", Period: "d:2026-12-07", N: int64(i + 1)}})
		require.NoError(t, err, fmt.Sprint("add ", i))
	}
	got, err := b.Quotas().Add(ctx(t), []store.Count{{Subject: "user:u", Period: "d:2026-12-07"}})
	require.NoError(t, err)
	assert.Equal(t, []int64{6}, got, "counts from both instances add up")
}
