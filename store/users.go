package store

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mockapi-go/mockapi/store/driver"
)

// User is a person who calls mocks and manages their own work with a user
// token; see driver.User.
type User = driver.User

// UserToken is a user's credential, stored as a hash; see driver.UserToken.
type UserToken = driver.UserToken

// Role is a member's role in a team: RoleOwner or RoleMember.
type Role = driver.Role

// Roles.
const (
	RoleOwner  = driver.RoleOwner
	RoleMember = driver.RoleMember
)

// Team is a group of users sharing the private projects assigned to it.
type Team = driver.Team

// Member is a user's membership of a team.
type Member = driver.Member

// Invite asks whoever has an email to join a team.
type Invite = driver.Invite

// MaxName bounds the names of users and teams, in characters.
const MaxName = 200

// NormalEmail returns the email as it is stored (trimmed, lower-case), or
// ErrInvalid when it is not a single plain address.
func NormalEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" || len(e) > 254 {
		return "", invalid("email %q is not an address such as ada@example.com", email)
	}
	return e, nil
}

func validName(what, name string, required bool) error {
	switch {
	case required && strings.TrimSpace(name) == "":
		return invalid("%s: empty name", what)
	case utf8.RuneCountInString(name) > MaxName, !utf8.ValidString(name):
		return invalid("%s: the name is longer than %d characters or not UTF-8", what, MaxName)
	}
	return nil
}

func validRole(r Role) error {
	if r != RoleOwner && r != RoleMember {
		return invalid("role %q is not owner or member", r)
	}
	return nil
}

// Users stores users and their tokens: the type a Store's Users returns,
// over any backend. It is safe for concurrent use.
type Users struct {
	s *Store
	d driver.Users
}

// Create stores u and its first token t (t.User is set to u's id) in one
// step. The email is required, unique and stored lower-case; a duplicate
// email or token hash is ErrConflict.
func (us *Users) Create(ctx context.Context, u *User, t *UserToken) error {
	if err := us.s.check(); err != nil {
		return err
	}
	if u == nil || t == nil || t.Hash == "" {
		return invalid("create user: nil user, or a token without a hash")
	}
	email, err := NormalEmail(u.Email)
	if err != nil {
		return err
	}
	if err := validName("user", u.Name, false); err != nil {
		return err
	}
	u.Email = email
	if u.ID == "" {
		u.ID = NewID()
	}
	u.CreatedAt = us.s.now()
	prepToken(t, u.ID, u.CreatedAt)
	return us.d.Create(ctx, u, t)
}

func prepToken(t *UserToken, user string, now time.Time) {
	if t.ID == "" {
		t.ID = NewID()
	}
	t.User = user
	t.CreatedAt = now
	t.RevokedAt = time.Time{}
}

// Get returns the user with the id, or ErrNotFound.
func (us *Users) Get(ctx context.Context, id string) (*User, error) {
	if err := us.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty user id")
	}
	return us.d.Get(ctx, id)
}

// ByEmail returns the user with the email (in any case), or ErrNotFound.
func (us *Users) ByEmail(ctx context.Context, email string) (*User, error) {
	if err := us.s.check(); err != nil {
		return nil, err
	}
	e, err := NormalEmail(email)
	if err != nil {
		return nil, err
	}
	return us.d.ByEmail(ctx, e)
}

// List returns every user, ordered by creation time then id.
func (us *Users) List(ctx context.Context) ([]*User, error) {
	if err := us.s.check(); err != nil {
		return nil, err
	}
	return us.d.List(ctx)
}

// Update changes the user's name and email in one atomic step: change
// edits the stored user (it must do no I/O). An email another user has is
// ErrConflict; an unknown id ErrNotFound.
func (us *Users) Update(ctx context.Context, id string, change func(*User) error) (*User, error) {
	if err := us.s.check(); err != nil {
		return nil, err
	}
	if id == "" || change == nil {
		return nil, invalid("update user %q: empty id or no change", id)
	}
	return us.d.Update(ctx, id, func(u *User) error {
		if err := change(u); err != nil {
			return err
		}
		e, err := NormalEmail(u.Email)
		if err != nil {
			return err
		}
		u.Email = e
		return validName("user "+id, u.Name, false)
	})
}

// Delete removes the user, its tokens and memberships, and revokes the
// API keys it owns, in one step: from its return on, none of them admits
// anyone on any instance. The projects it owns keep their Owner, which
// then admits no one. An unknown id is ErrNotFound.
func (us *Users) Delete(ctx context.Context, id string) error {
	if err := us.s.check(); err != nil {
		return err
	}
	if id == "" {
		return invalid("empty user id")
	}
	return us.d.Delete(ctx, id, us.s.now())
}

// Lookup returns the user whose active token has the hash, and the token.
// A revoked token, or one of a deleted user, is ErrNotFound, on every
// instance sharing the database: it is read on every call.
func (us *Users) Lookup(ctx context.Context, hash string) (*User, *UserToken, error) {
	if err := us.s.check(); err != nil {
		return nil, nil, err
	}
	if hash == "" {
		return nil, nil, invalid("empty token hash")
	}
	u, t, err := us.d.Lookup(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	if !t.RevokedAt.IsZero() {
		return nil, nil, fmt.Errorf("user token %s: revoked: %w", t.ID, ErrNotFound)
	}
	return u, t, nil
}

// Tokens returns the user's tokens, revoked ones included, ordered by
// creation time then id.
func (us *Users) Tokens(ctx context.Context, user string) ([]*UserToken, error) {
	if err := us.s.check(); err != nil {
		return nil, err
	}
	if user == "" {
		return nil, invalid("empty user id")
	}
	return us.d.Tokens(ctx, user)
}

// Rotate stores next as the user's token and revokes every other, in one
// step.
func (us *Users) Rotate(ctx context.Context, user string, next *UserToken) error {
	if err := us.s.check(); err != nil {
		return err
	}
	if user == "" || next == nil || next.Hash == "" {
		return invalid("rotate user token: empty user, or a token without a hash")
	}
	prepToken(next, user, us.s.now())
	return us.d.Rotate(ctx, next)
}

// RevokeTokens revokes every token of the user: the user exists but can
// no longer authenticate until Rotate gives it a new token.
func (us *Users) RevokeTokens(ctx context.Context, user string) error {
	if err := us.s.check(); err != nil {
		return err
	}
	if user == "" {
		return invalid("empty user id")
	}
	return us.d.RevokeTokens(ctx, user, us.s.now())
}

// Teams stores teams, memberships and invites: the type a Store's Teams
// returns, over any backend. It is safe for concurrent use.
type Teams struct {
	s *Store
	d driver.Teams
}

// Create stores t and, when owner is not empty, makes that user its
// first owner in the same step.
func (ts *Teams) Create(ctx context.Context, t *Team, owner string) error {
	if err := ts.s.check(); err != nil {
		return err
	}
	if t == nil {
		return invalid("nil team")
	}
	if t.ID == "" {
		t.ID = NewID()
	}
	if err := validID("team", t.ID); err != nil {
		return err
	}
	if err := validName("team "+t.ID, t.Name, true); err != nil {
		return err
	}
	t.CreatedAt = ts.s.now()
	var m *Member
	if owner != "" {
		m = &Member{Team: t.ID, User: owner, Role: RoleOwner, CreatedAt: t.CreatedAt}
	}
	return ts.d.Create(ctx, t, m)
}

// Get returns the team with the id, or ErrNotFound.
func (ts *Teams) Get(ctx context.Context, id string) (*Team, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty team id")
	}
	return ts.d.Get(ctx, id)
}

// List returns every team (user empty) or the user's teams.
func (ts *Teams) List(ctx context.Context, user string) ([]*Team, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	return ts.d.List(ctx, user)
}

// Rename sets the team's name.
func (ts *Teams) Rename(ctx context.Context, id, name string) (*Team, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty team id")
	}
	if err := validName("team "+id, name, true); err != nil {
		return nil, err
	}
	return ts.d.Rename(ctx, id, name)
}

// Delete removes the team with its members and invites. A team that still
// has projects is ErrConflict: unassign or delete them first.
func (ts *Teams) Delete(ctx context.Context, id string) error {
	if err := ts.s.check(); err != nil {
		return err
	}
	if id == "" {
		return invalid("empty team id")
	}
	return ts.d.Delete(ctx, id)
}

// PutMember adds the user to the team with the role, or changes the role
// of a member.
func (ts *Teams) PutMember(ctx context.Context, team, user string, role Role) (*Member, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if team == "" || user == "" {
		return nil, invalid("put member: empty team or user")
	}
	if err := validRole(role); err != nil {
		return nil, err
	}
	m := &Member{Team: team, User: user, Role: role, CreatedAt: ts.s.now()}
	if err := ts.d.PutMember(ctx, m); err != nil {
		return nil, err
	}
	return ts.d.Member(ctx, team, user)
}

// RemoveMember removes the user from the team: from its return on, the
// user is refused by the team's private projects on every instance.
func (ts *Teams) RemoveMember(ctx context.Context, team, user string) error {
	if err := ts.s.check(); err != nil {
		return err
	}
	if team == "" || user == "" {
		return invalid("remove member: empty team or user")
	}
	return ts.d.RemoveMember(ctx, team, user)
}

// Member returns the user's membership of the team, or ErrNotFound.
func (ts *Teams) Member(ctx context.Context, team, user string) (*Member, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if team == "" || user == "" {
		return nil, invalid("member: empty team or user")
	}
	return ts.d.Member(ctx, team, user)
}

// IsMember reports whether the user is in the team: it is the
// auth.Membership the Server uses by default, one read per call.
func (ts *Teams) IsMember(ctx context.Context, user, team string) (bool, error) {
	if user == "" || team == "" {
		return false, nil
	}
	_, err := ts.Member(ctx, team, user)
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	}
	return false, err
}

// Members returns the team's members.
func (ts *Teams) Members(ctx context.Context, team string) ([]*Member, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if team == "" {
		return nil, invalid("empty team id")
	}
	return ts.d.Members(ctx, team)
}

// Invite invites whoever has the email to the team with the role. It
// stays pending until a user with that email accepts it.
func (ts *Teams) Invite(ctx context.Context, team, email string, role Role) (*Invite, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	e, err := NormalEmail(email)
	if err != nil {
		return nil, err
	}
	if team == "" {
		return nil, invalid("invite: empty team")
	}
	if err := validRole(role); err != nil {
		return nil, err
	}
	inv := &Invite{ID: NewID(), Team: team, Email: e, Role: role, CreatedAt: ts.s.now()}
	if err := ts.d.Invite(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// GetInvite returns the invite with the id, or ErrNotFound.
func (ts *Teams) GetInvite(ctx context.Context, id string) (*Invite, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty invite id")
	}
	return ts.d.GetInvite(ctx, id)
}

// Invites returns the pending invites of the team (team not empty) or of
// the email.
func (ts *Teams) Invites(ctx context.Context, team, email string) ([]*Invite, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if email != "" {
		e, err := NormalEmail(email)
		if err != nil {
			return nil, err
		}
		email = e
	}
	if (team == "") == (email == "") {
		return nil, invalid("invites: give a team or an email")
	}
	return ts.d.Invites(ctx, team, email)
}

// DeleteInvite withdraws (or declines) a pending invite.
func (ts *Teams) DeleteInvite(ctx context.Context, id string) error {
	if err := ts.s.check(); err != nil {
		return err
	}
	if id == "" {
		return invalid("empty invite id")
	}
	return ts.d.DeleteInvite(ctx, id)
}

// Accept makes the user a member of the invite's team, with its role, and
// removes the invite. Only the user whose email the invite names may
// accept it: another is ErrNotFound, as if the invite did not exist.
func (ts *Teams) Accept(ctx context.Context, inviteID, user string) (*Member, error) {
	if err := ts.s.check(); err != nil {
		return nil, err
	}
	if inviteID == "" || user == "" {
		return nil, invalid("accept: empty invite or user")
	}
	inv, err := ts.d.GetInvite(ctx, inviteID)
	if err != nil {
		return nil, err
	}
	u, err := ts.s.users.d.Get(ctx, user)
	if err != nil {
		return nil, err
	}
	if u.Email != inv.Email {
		return nil, fmt.Errorf("invite %q: not for user %q: %w", inviteID, user, ErrNotFound)
	}
	m := &Member{Team: inv.Team, User: user, Role: inv.Role, CreatedAt: ts.s.now()}
	if err := ts.d.Accept(ctx, inviteID, m); err != nil {
		return nil, err
	}
	return ts.d.Member(ctx, inv.Team, user)
}
