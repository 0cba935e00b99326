package driver

import (
	"context"
	"slices"
	"time"
)

// Key is an API key. The secret itself is never stored: only its hash and a
// short prefix that lets people recognise the key in a list.
type Key struct {
	ID     string // assigned by Create when empty
	Hash   string // hash of the secret, required, unique
	Prefix string // non-secret leading characters of the secret
	Name   string
	Owner  string
	// Projects the key may call; empty means every project.
	Projects  []string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
	RevokedAt time.Time // zero: not revoked
	// DeactivatedAt is when the key was deactivated (zero: it is not).
	// Unlike a revocation it can be undone: Keys.Update clears it.
	DeactivatedAt time.Time
	LastUsedAt    time.Time // zero: never used (may lag; see Keys.Touch)
}

// Active reports whether k may be used at the given time: not revoked,
// not deactivated and not expired.
func (k *Key) Active(now time.Time) bool {
	return k.RevokedAt.IsZero() && k.DeactivatedAt.IsZero() && (k.ExpiresAt.IsZero() || now.Before(k.ExpiresAt))
}

// Allows reports whether k is scoped to the project.
func (k *Key) Allows(project string) bool {
	return len(k.Projects) == 0 || slices.Contains(k.Projects, project)
}

// Keys stores API keys.
type Keys interface {
	// Create stores k. A duplicate ID or Hash is ErrConflict.
	Create(ctx context.Context, k *Key) error
	// Get returns the key with the id, in any state, or ErrNotFound.
	Get(ctx context.Context, id string) (*Key, error)
	// Lookup returns the key with the hash. Through a Store, a revoked or
	// expired key is ErrNotFound, on every instance sharing the database.
	Lookup(ctx context.Context, hash string) (*Key, error)
	// List returns the keys of an owner (all keys when owner is empty),
	// ordered by creation time then id.
	List(ctx context.Context, owner string) ([]*Key, error)
	// Revoke marks the key revoked at the time; revoking twice keeps the
	// first time. An unknown id is ErrNotFound.
	Revoke(ctx context.Context, id string, at time.Time) error
	// Rotate creates next and, in the same transaction, makes the old key
	// expire at expires (a zero time revokes it at once). next inherits
	// nothing; the caller copies name, owner and scope. Through a Store, a
	// revoked or expired old key is ErrNotFound, and next expires no later
	// than the old key: rotation never extends a key's life.
	Rotate(ctx context.Context, oldID string, next *Key, expires time.Time) error
	// Update changes the stored key with the id in one atomic step: change
	// gets the stored key and edits it, and its name, scope (Projects),
	// expiry and deactivation time are written, nothing else of it. No
	// other Update of the key comes between the read and the write, on any
	// instance, so concurrent changes to different fields all hold; change
	// runs under a lock or in a transaction and must do no I/O. It returns
	// the key as stored. An unknown id is ErrNotFound; a revoked key is
	// ErrConflict, without calling change; an error of change is returned
	// and nothing is written.
	Update(ctx context.Context, id string, change func(*Key) error) (*Key, error)
	// Touch records that the key was used at the time. Backends store the
	// later of the stored and given time. Through a Store, touches are
	// coalesced in memory and written at most once per key per flush.
	Touch(ctx context.Context, id string, at time.Time) error
}
