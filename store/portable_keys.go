package store

import (
	"context"
	"fmt"
	"time"
)

// keys is the portable Keys.
type keys struct {
	s *Store
	d Keys
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

func (k *keys) Create(ctx context.Context, key *Key) error {
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
	key.LastUsedAt = time.Time{}
	key.ExpiresAt = utc(key.ExpiresAt)
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

func (k *keys) Get(ctx context.Context, id string) (*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty key id")
	}
	return k.d.Get(ctx, id)
}

func (k *keys) Lookup(ctx context.Context, hash string) (*Key, error) {
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
		return nil, fmt.Errorf("key %s: revoked or expired: %w", key.ID, ErrNotFound)
	}
	return key, nil
}

func (k *keys) List(ctx context.Context, owner string) ([]*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	return k.d.List(ctx, owner)
}

func (k *keys) Revoke(ctx context.Context, id string, at time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("revoke key %q: empty id or time", id)
	}
	return k.d.Revoke(ctx, id, utc(at))
}

func (k *keys) Rotate(ctx context.Context, oldID string, next *Key, expires time.Time) error {
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
		return fmt.Errorf("rotate key %s: revoked or expired: %w", oldID, ErrNotFound)
	}
	prepKey(next, k.s.now())
	if !old.ExpiresAt.IsZero() && (next.ExpiresAt.IsZero() || next.ExpiresAt.After(old.ExpiresAt)) {
		next.ExpiresAt = old.ExpiresAt // rotation never extends a key's life
	}
	return k.d.Rotate(ctx, oldID, next, utc(expires))
}

func (k *keys) Touch(ctx context.Context, id string, at time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("touch key %q: empty id or time", id)
	}
	k.s.touch(id, utc(at))
	return nil
}
