package store

import (
	"context"
	"fmt"
	"github.com/mockapi-go/mockapi/store/driver"
	"time"
)

// Link is a share link: a token that opens one project's mock to
// visitors, stored as the token's hash. Its fields are documented on
// driver.Link.
type Link = driver.Link

// Links stores share links: the type a Store's Links returns, over any
// backend. It is safe for concurrent use.
type Links struct {
	s *Store
	d driver.Links
}

// Create stores l. A duplicate ID or Hash is ErrConflict.
func (l *Links) Create(ctx context.Context, link *Link) error {
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
	case link.VisitorRequests < 0 || link.VisitorPer < 0:
		return invalid("link %q: negative visitor limit", link.ID)
	}
	if link.ID == "" {
		link.ID = NewID()
	}
	link.CreatedAt = l.s.now()
	link.RevokedAt = time.Time{}
	link.DisabledAt = time.Time{}
	link.ExpiresAt = utc(link.ExpiresAt)
	return l.d.Create(ctx, link)
}

// Get returns the link with the id, in any state, or ErrNotFound.
func (l *Links) Get(ctx context.Context, id string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty link id")
	}
	return l.d.Get(ctx, id)
}

// Lookup returns the link with the hash. A revoked, disabled or expired
// link is ErrNotFound.
func (l *Links) Lookup(ctx context.Context, hash string) (*Link, error) {
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
		return nil, fmt.Errorf("link %s: revoked, disabled or expired: %w", link.ID, ErrNotFound)
	}
	return link, nil
}

// List returns the links of a project (all when project is empty),
// ordered by creation time then id.
func (l *Links) List(ctx context.Context, project string) ([]*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	return l.d.List(ctx, project)
}

// Revoke marks the link revoked at the time; revoking twice keeps the
// first time.
func (l *Links) Revoke(ctx context.Context, id string, at time.Time) error {
	if err := l.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("revoke link %q: empty id or time", id)
	}
	return l.d.Revoke(ctx, id, utc(at))
}

// Update changes the stored link with the id in one atomic step, as
// Keys.Update does, and returns it: change edits the stored link's name,
// TokenRequired, expiry, disabling time (zero: enabled) and visitor
// limit; nothing else of it is written. The change holds from the next
// Lookup on every instance sharing the database. An unknown id is
// ErrNotFound; a revoked link cannot be changed: ErrConflict; a negative
// visitor limit is ErrInvalid; an error of change is returned. Nothing is
// written on an error.
func (l *Links) Update(ctx context.Context, id string, change func(*Link) error) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if id == "" || change == nil {
		return nil, invalid("update link %q: empty id or no change", id)
	}
	return l.d.Update(ctx, id, func(link *Link) error {
		if err := change(link); err != nil {
			return err
		}
		if link.VisitorRequests < 0 || link.VisitorPer < 0 {
			return invalid("link %q: negative visitor limit", id)
		}
		link.ExpiresAt = utc(link.ExpiresAt)
		link.DisabledAt = utc(link.DisabledAt)
		return nil
	})
}

// Regenerate replaces the link's hash and prefix in one step: from its
// return on, the old token finds nothing. A revoked link is ErrNotFound;
// a hash already in use is ErrConflict.
func (l *Links) Regenerate(ctx context.Context, id, hash, prefix string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if id == "" || hash == "" {
		return nil, invalid("regenerate link %q: empty id or hash", id)
	}
	return l.d.Regenerate(ctx, id, hash, prefix)
}
