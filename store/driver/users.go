package driver

import (
	"context"
	"time"
)

// User is a person who calls mocks and manages their own work with a user
// token.
type User struct {
	ID    string // assigned by Create when empty
	Name  string
	Email string // required, unique; through a Store, trimmed and lower-case
	// CreatedAt is when the user was created.
	CreatedAt time.Time
}

// UserToken is a user's credential. The secret itself is never stored:
// only its hash and a short prefix that lets people recognise it.
type UserToken struct {
	ID        string // assigned by the Store when empty
	User      string // the user's id, required
	Hash      string // hash of the secret, required, unique
	Prefix    string // non-secret leading characters of the secret
	CreatedAt time.Time
	RevokedAt time.Time // zero: not revoked
}

// Users stores users and their tokens.
type Users interface {
	// Create stores u and its first token t in one transaction. A
	// duplicate user id, email or token hash is ErrConflict.
	Create(ctx context.Context, u *User, t *UserToken) error
	// Get returns the user with the id, or ErrNotFound.
	Get(ctx context.Context, id string) (*User, error)
	// ByEmail returns the user with the (lower-case) email, or ErrNotFound.
	ByEmail(ctx context.Context, email string) (*User, error)
	// List returns every user, ordered by creation time then id.
	List(ctx context.Context) ([]*User, error)
	// Update changes the stored user's name and email in one atomic step:
	// change edits the stored user, and runs under a lock or in a
	// transaction and must do no I/O. An unknown id is ErrNotFound; an
	// email another user has is ErrConflict; an error of change is
	// returned and nothing is written.
	Update(ctx context.Context, id string, change func(*User) error) (*User, error)
	// Delete removes the user and, in the same transaction, its tokens
	// and team memberships, and revokes (at the time) the API keys it owns
	// (Key.Owner). An unknown id is ErrNotFound.
	Delete(ctx context.Context, id string, at time.Time) error
	// Lookup returns the token with the hash and its user, revoked tokens
	// included (the Store refuses those), or ErrNotFound.
	Lookup(ctx context.Context, hash string) (*User, *UserToken, error)
	// Tokens returns the user's tokens, revoked ones included, ordered by
	// creation time then id. An unknown user is ErrNotFound.
	Tokens(ctx context.Context, user string) ([]*UserToken, error)
	// Rotate stores next and, in the same transaction, revokes every
	// other token of next.User not yet revoked, at next.CreatedAt. An
	// unknown user is ErrNotFound; a duplicate hash is ErrConflict.
	Rotate(ctx context.Context, next *UserToken) error
	// RevokeTokens revokes, at the time, every token of the user not yet
	// revoked. An unknown user is ErrNotFound.
	RevokeTokens(ctx context.Context, user string, at time.Time) error
}

// Role is a member's role in a team.
type Role string

// Roles.
const (
	RoleOwner  Role = "owner"  // manages the team's members, invites and projects
	RoleMember Role = "member" // uses the team's projects
)

// Team is a group of users sharing the private projects assigned to it
// (Project.Team).
type Team struct {
	ID        string // assigned by Create when empty
	Name      string // required
	CreatedAt time.Time
}

// Member is a user's membership of a team.
type Member struct {
	Team, User string
	Role       Role
	CreatedAt  time.Time
}

// Invite asks whoever has the email to join a team. It is pending until a
// user with that email accepts it (Teams.Accept).
type Invite struct {
	ID        string // assigned by the Store when empty
	Team      string
	Email     string // lower-case
	Role      Role
	CreatedAt time.Time
}

// Teams stores teams, their members and invites.
type Teams interface {
	// Create stores t and, in the same transaction, owner as its first
	// member when owner is not nil. A duplicate id is ErrConflict; an
	// owner naming an unknown user is ErrNotFound.
	Create(ctx context.Context, t *Team, owner *Member) error
	// Get returns the team with the id, or ErrNotFound.
	Get(ctx context.Context, id string) (*Team, error)
	// List returns every team (user empty) or the teams the user is a
	// member of, ordered by creation time then id.
	List(ctx context.Context, user string) ([]*Team, error)
	// Rename sets the team's name. An unknown id is ErrNotFound.
	Rename(ctx context.Context, id, name string) (*Team, error)
	// Delete removes the team, its members and invites in one
	// transaction. A team some project is assigned to (Project.Team) is
	// ErrConflict, and nothing is removed; an unknown id is ErrNotFound.
	Delete(ctx context.Context, id string) error
	// PutMember adds m or changes its role. An unknown team or user is
	// ErrNotFound. CreatedAt of an existing member is kept.
	PutMember(ctx context.Context, m *Member) error
	// RemoveMember removes the user from the team, or is ErrNotFound.
	RemoveMember(ctx context.Context, team, user string) error
	// Member returns the user's membership of the team, or ErrNotFound. It
	// reads one row: the guard asks it per request.
	Member(ctx context.Context, team, user string) (*Member, error)
	// Members returns the team's members ordered by creation time then
	// user. An unknown team is ErrNotFound.
	Members(ctx context.Context, team string) ([]*Member, error)
	// Invite stores inv. An unknown team is ErrNotFound; a pending invite
	// of the same email to the same team is ErrConflict.
	Invite(ctx context.Context, inv *Invite) error
	// GetInvite returns the invite with the id, or ErrNotFound.
	GetInvite(ctx context.Context, id string) (*Invite, error)
	// Invites returns the pending invites of a team (team not empty) or
	// of an email (email not empty), ordered by creation time then id.
	Invites(ctx context.Context, team, email string) ([]*Invite, error)
	// DeleteInvite removes the invite, or is ErrNotFound.
	DeleteInvite(ctx context.Context, id string) error
	// Accept removes the invite and puts m, in one transaction. An unknown
	// invite or user is ErrNotFound.
	Accept(ctx context.Context, inviteID string, m *Member) error
}

// Quota bounds what a subject may use. A zero field sets no bound.
type Quota struct {
	// Subject is "project:<id>" or "user:<id>".
	Subject          string
	RequestsPerDay   int64
	RequestsPerMonth int64
	// Projects bounds how many projects a user owns.
	Projects int64
}

// Count is a usage counter: the requests of a subject in a period ("d:"
// and a UTC date 2006-01-02, or "m:" and a month 2006-01).
type Count struct {
	Subject, Period string
	N               int64
}

// Quotas stores quotas and usage counters.
type Quotas interface {
	// Put stores q, replacing the subject's quota.
	Put(ctx context.Context, q *Quota) error
	// Get returns the subject's quota, or ErrNotFound.
	Get(ctx context.Context, subject string) (*Quota, error)
	// List returns every quota, ordered by subject.
	List(ctx context.Context) ([]*Quota, error)
	// Delete removes the subject's quota, or is ErrNotFound.
	Delete(ctx context.Context, subject string) error
	// Add adds each count's N to its counter (created at zero) in one
	// transaction and returns the counters' totals after, in order. An N
	// of zero reads the counter.
	Add(ctx context.Context, counts []Count) ([]int64, error)
}
