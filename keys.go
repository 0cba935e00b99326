package mockapi

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/store"
)

// NewKey is what CreateKey needs.
type NewKey struct {
	// Name labels the key in lists.
	Name string
	// Owner is who the key belongs to (ListKeys filters by it).
	Owner string
	// Projects the key may call; each must exist. Empty: every project.
	Projects []string
	// ExpiresAt ends the key; it must be in the future. Zero: never.
	ExpiresAt time.Time
}

// CreateKey makes an API key and returns its secret, shown this once:
// the store keeps only its hash. A project in the scope that does not
// exist, or an expiry not in the future, is a *ValidationError.
func (s *Server) CreateKey(ctx context.Context, in NewKey) (secret string, k *store.Key, err error) {
	for _, id := range in.Projects {
		if err := s.exists(ctx, id); err != nil {
			if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
				return "", nil, invalidf("projects", err, "no project %q", id)
			}
			return "", nil, err
		}
	}
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(s.now()) {
		return "", nil, invalidf("expires_at", nil, "is in the past")
	}
	secret, k = auth.NewKey(in.Name, in.Projects...)
	k.Owner = in.Owner
	if !in.ExpiresAt.IsZero() {
		k.ExpiresAt = in.ExpiresAt.UTC()
	}
	if err := s.st.Keys().Create(ctx, k); err != nil {
		return "", nil, err
	}
	return secret, k, nil
}

// ListKeys returns the keys of an owner, every key when owner is empty,
// oldest first. A key's secret is never among what is returned.
func (s *Server) ListKeys(ctx context.Context, owner string) ([]*store.Key, error) {
	return s.st.Keys().List(ctx, owner)
}

// GetKey returns a key in any state (active, deactivated, expired or
// revoked), without its secret. An unknown key is ErrNotFound.
func (s *Server) GetKey(ctx context.Context, id string) (*store.Key, error) {
	return s.st.Keys().Get(ctx, id)
}

// KeyUpdate is a change to a key; nil fields leave what they name as it
// is.
type KeyUpdate struct {
	Name *string
	// Projects replaces the scope; each project must exist. A pointer to
	// an empty slice widens the key to every project.
	Projects *[]string
	// ExpiresAt sets the expiry, which must be in the future; a pointer to
	// the zero time removes it.
	ExpiresAt *time.Time
	// Active false deactivates the key, true reactivates it. Unlike a
	// revocation, a deactivation can be undone.
	Active *bool
}

// UpdateKey applies u to a key and returns it. The change holds from the
// next request on every Server sharing the store, since the guard looks
// the key up on every request: a deactivated key is refused like a
// revoked one (401 INVALID_API_KEY), and a new scope is the one checked.
//
// A project in the scope that does not exist, or an expiry not in the
// future, is a *ValidationError; an unknown key is ErrNotFound; a revoked
// key cannot be changed: ErrConflict.
func (s *Server) UpdateKey(ctx context.Context, id string, u KeyUpdate) (*store.Key, error) {
	if u.Projects != nil {
		for _, p := range *u.Projects {
			if err := s.exists(ctx, p); err != nil {
				if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
					return nil, invalidf("projects", err, "no project %q", p)
				}
				return nil, err
			}
		}
	}
	if u.ExpiresAt != nil && !u.ExpiresAt.IsZero() && !u.ExpiresAt.After(s.now()) {
		return nil, invalidf("expires_at", nil, "is in the past")
	}
	now := s.now()
	// One atomic read-modify-write in the store: a concurrent update of
	// another field (a deactivation, say) is never written back over.
	return s.st.Keys().Update(ctx, id, func(k *store.Key) error {
		if u.Name != nil {
			k.Name = *u.Name
		}
		if u.Projects != nil {
			k.Projects = nil
			if len(*u.Projects) > 0 {
				k.Projects = slices.Clone(*u.Projects)
			}
		}
		if u.ExpiresAt != nil {
			k.ExpiresAt = *u.ExpiresAt
		}
		switch {
		case u.Active == nil:
		case *u.Active:
			k.DeactivatedAt = time.Time{}
		case k.DeactivatedAt.IsZero():
			k.DeactivatedAt = now
		}
		return nil
	})
}

// RevokeKey revokes a key at once, on every instance sharing the store;
// revoking twice keeps the first time. An unknown key is ErrNotFound.
func (s *Server) RevokeKey(ctx context.Context, id string) error {
	return s.st.Keys().Revoke(ctx, id, s.now())
}

// RotateKey replaces a key with a new one of the same name, owner, scope
// and expiry, and returns the new secret. The old key keeps working for
// grace (zero: it is revoked at once). A revoked, deactivated or expired
// key is ErrNotFound; a negative grace is a *ValidationError.
func (s *Server) RotateKey(ctx context.Context, id string, grace time.Duration) (secret string, k *store.Key, err error) {
	if grace < 0 {
		return "", nil, invalidf("grace", nil, "%v is negative", grace)
	}
	return auth.RotateKey(ctx, s.st.Keys(), id, grace)
}
