package store

import (
	"context"
	"fmt"
	"github.com/mockapi-go/mockapi/store/driver"
	"time"
)

// Key is an API key. The secret itself is never stored: only its hash and a
// short prefix that lets people recognise the key in a list. Its fields
// (scope, expiry, revocation, last use) are documented on driver.Key.
type Key = driver.Key

// Keys stores API keys: the type a Store's Keys returns, over any backend.
// It is safe for concurrent use.
type Keys struct {
	s *Store
	d driver.Keys
}

func validKey(k *Key) error {
	switch {
	case k == nil:
		return invalid("nil key")
	case k.Hash == "":
		return invalid("key %q: empty hash", k.ID)
	}
	for _, p := range k.Projects {
		if err := ValidProjectID(p); err != nil {
			return fmt.Errorf("key %q: scope: %w", k.ID, err)
		}
	}
	return nil
}

// Create stores k. A duplicate ID or Hash is ErrConflict.
func (k *Keys) Create(ctx context.Context, key *Key) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if err := validKey(key); err != nil {
		return err
	}
	prepKey(key, k.s.now())
	return k.d.Create(ctx, key)
}

func prepKey(key *Key, now time.Time) {
	if key.ID == "" {
		key.ID = NewID()
	}
	key.CreatedAt = now
	key.RevokedAt = time.Time{}
	key.DeactivatedAt = time.Time{}
	key.LastUsedAt = time.Time{}
	key.ExpiresAt = utc(key.ExpiresAt)
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

// Get returns the key with the id, in any state, or ErrNotFound.
func (k *Keys) Get(ctx context.Context, id string) (*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty key id")
	}
	return k.d.Get(ctx, id)
}

// Lookup returns the key with the hash. A revoked, deactivated or
// expired key is ErrNotFound, on every instance sharing the database.
func (k *Keys) Lookup(ctx context.Context, hash string) (*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	if hash == "" {
		return nil, invalid("empty key hash")
	}
	key, err := k.d.Lookup(ctx, hash)
	if err != nil {
		return nil, err
	}
	if !key.Active(k.s.clock()) {
		return nil, fmt.Errorf("key %s: revoked, deactivated or expired: %w", key.ID, ErrNotFound)
	}
	return key, nil
}

// Update changes the stored key with the id in one atomic step, and
// returns it: change edits the stored key's name, scope (Projects), expiry
// and deactivation time (zero: active); nothing else of it is written. No
// other Update of the key, on any instance sharing the database, comes
// between the read and the write, so concurrent changes of different
// fields all hold; change must do no I/O. The change holds from the next
// Lookup on every instance. An unknown id is ErrNotFound; a revoked key
// cannot be changed: ErrConflict; a scope naming an invalid project id is
// ErrInvalid; an error of change is returned. Nothing is written on an
// error.
func (k *Keys) Update(ctx context.Context, id string, change func(*Key) error) (*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	if id == "" || change == nil {
		return nil, invalid("update key %q: empty id or no change", id)
	}
	return k.d.Update(ctx, id, func(key *Key) error {
		if err := change(key); err != nil {
			return err
		}
		for _, p := range key.Projects {
			if err := ValidProjectID(p); err != nil {
				return fmt.Errorf("key %q: scope: %w", id, err)
			}
		}
		key.ExpiresAt = utc(key.ExpiresAt)
		key.DeactivatedAt = utc(key.DeactivatedAt)
		return nil
	})
}

// List returns the keys of an owner (all keys when owner is empty),
// ordered by creation time then id.
func (k *Keys) List(ctx context.Context, owner string) ([]*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	return k.d.List(ctx, owner)
}

// Revoke marks the key revoked at the time; revoking twice keeps the
// first time. An unknown id is ErrNotFound.
func (k *Keys) Revoke(ctx context.Context, id string, at time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("revoke key %q: empty id or time", id)
	}
	return k.d.Revoke(ctx, id, utc(at))
}

// Rotate creates next and, in the same transaction, makes the old key
// expire at expires (a zero time revokes it at once). next inherits
// nothing; the caller copies name, owner and scope. A revoked,
// deactivated or expired old key is ErrNotFound, and next expires no later
// than the old key: rotation never extends a key's life.
func (k *Keys) Rotate(ctx context.Context, oldID string, next *Key, expires time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if oldID == "" {
		return invalid("rotate: empty key id")
	}
	if err := validKey(next); err != nil {
		return err
	}
	old, err := k.d.Get(ctx, oldID)
	if err != nil {
		return err
	}
	if !old.Active(k.s.clock()) {
		return fmt.Errorf("rotate key %s: revoked, deactivated or expired: %w", oldID, ErrNotFound)
	}
	prepKey(next, k.s.now())
	if !old.ExpiresAt.IsZero() && (next.ExpiresAt.IsZero() || next.ExpiresAt.After(old.ExpiresAt)) {
		next.ExpiresAt = old.ExpiresAt // rotation never extends a key's life
	}
	return k.d.Rotate(ctx, oldID, next, utc(expires))
}

// Touch records that the key was used at the time; the stored time is the
// later of the stored and given ones. Touches are coalesced in memory and
// written at most once per key per flush: every WithTouchInterval (by a
// goroutine the first Touch starts), on Store.Flush and on Store.Close.
func (k *Keys) Touch(ctx context.Context, id string, at time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("touch key %q: empty id or time", id)
	}
	k.s.touch(id, utc(at))
	return nil
}
