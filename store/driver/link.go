package driver

import (
	"context"
	"time"
)

// Link is a share link: a token that opens one project's mock to visitors.
type Link struct {
	ID      string // assigned by Create when empty
	Project string // required
	Hash    string // hash of the token, required, unique
	Prefix  string // non-secret leading characters of the token
	Name    string
	// TokenRequired says whether visitors must present the token; when false
	// the link only names the project's public mock.
	TokenRequired bool
	CreatedAt     time.Time
	ExpiresAt     time.Time // zero: never
	RevokedAt     time.Time // zero: not revoked
	// DisabledAt is when the link was disabled (zero: it is enabled).
	// Unlike a revocation it can be undone: Links.Update clears it.
	DisabledAt time.Time
	// VisitorRequests per VisitorPer bounds each visitor (client address)
	// of the link, so that one cannot use it up for everyone. Zero: no
	// per-visitor limit.
	VisitorRequests int
	VisitorPer      time.Duration
}

// Active reports whether l may be used at the given time: not revoked,
// not disabled and not expired.
func (l *Link) Active(now time.Time) bool {
	return l.RevokedAt.IsZero() && l.DisabledAt.IsZero() && (l.ExpiresAt.IsZero() || now.Before(l.ExpiresAt))
}

// Links stores share links.
type Links interface {
	// Create stores l. A duplicate ID or Hash is ErrConflict.
	Create(ctx context.Context, l *Link) error
	// Get returns the link with the id, in any state, or ErrNotFound.
	Get(ctx context.Context, id string) (*Link, error)
	// Lookup returns the link with the hash. Through a Store, a revoked or
	// expired link is ErrNotFound.
	Lookup(ctx context.Context, hash string) (*Link, error)
	// List returns the links of a project (all when project is empty),
	// ordered by creation time then id.
	List(ctx context.Context, project string) ([]*Link, error)
	// Revoke marks the link revoked at the time; revoking twice keeps the
	// first time.
	Revoke(ctx context.Context, id string, at time.Time) error
	// Update changes the stored link with the id in one atomic step, as
	// Keys.Update does: change edits it, and its name, TokenRequired,
	// expiry, disabling time and visitor limit are written, nothing else
	// of it. It returns the link as stored. An unknown id is ErrNotFound; a
	// revoked link is ErrConflict, without calling change; an error of
	// change is returned and nothing is written.
	Update(ctx context.Context, id string, change func(*Link) error) (*Link, error)
	// Regenerate replaces the link's hash and prefix in one step: from its
	// return on, the old token finds nothing. A revoked link is ErrNotFound;
	// a hash already in use is ErrConflict.
	Regenerate(ctx context.Context, id, hash, prefix string) (*Link, error)
}
