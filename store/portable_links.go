package store

import (
	"context"
	"fmt"
	"time"
)

// links is the portable Links.
type links struct {
	s *Store
	d Links
}

func (l *links) Create(ctx context.Context, link *Link) error {
	if err := l.s.check(); err != nil {
		return err
	}
	switch {
	case link == nil:
		return invalid("nil link")
	case ValidProjectID(link.Project) != nil:
		return fmt.Errorf("link %q: %w", link.ID, ValidProjectID(link.Project))
	case link.Hash == "":
		return invalid("link %q: empty hash", link.ID)
	}
	if link.ID == "" {
		link.ID = NewID()
	}
	link.CreatedAt = l.s.now()
	link.RevokedAt = time.Time{}
	link.ExpiresAt = utc(link.ExpiresAt)
	return l.d.Create(ctx, link)
}

func (l *links) Get(ctx context.Context, id string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty link id")
	}
	return l.d.Get(ctx, id)
}

func (l *links) Lookup(ctx context.Context, hash string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if hash == "" {
		return nil, invalid("empty link hash")
	}
	link, err := l.d.Lookup(ctx, hash)
	if err != nil {
		return nil, err
	}
	if !link.Active(l.s.clock()) {
		return nil, fmt.Errorf("link %s: revoked or expired: %w", link.ID, ErrNotFound)
	}
	return link, nil
}

func (l *links) List(ctx context.Context, project string) ([]*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	return l.d.List(ctx, project)
}

func (l *links) Revoke(ctx context.Context, id string, at time.Time) error {
	if err := l.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("revoke link %q: empty id or time", id)
	}
	return l.d.Revoke(ctx, id, utc(at))
}

func (l *links) Regenerate(ctx context.Context, id, hash, prefix string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if id == "" || hash == "" {
		return nil, invalid("regenerate link %q: empty id or hash", id)
	}
	return l.d.Regenerate(ctx, id, hash, prefix)
}
