package mockapi

import (
	"context"
	"time"

	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
)

// CreateLink makes a share link to a project and returns its token, shown
// this once: the store keeps only its hash. ShareURL turns the token into
// the URL visitors open. An unknown project is ErrNotFound; an expiry not
// in the future, or a visitor limit with one half set, is a
// *ValidationError.
func (s *Server) CreateLink(ctx context.Context, project string, o share.LinkOptions) (token string, l *store.Link, err error) {
	if err := s.exists(ctx, project); err != nil {
		return "", nil, err
	}
	if !o.ExpiresAt.IsZero() && !o.ExpiresAt.After(s.now()) {
		return "", nil, invalidf("expires_at", nil, "is in the past")
	}
	if err := checkVisitorLimit(RateLimit{Requests: o.VisitorLimit.Requests, Per: o.VisitorLimit.Per}); err != nil {
		return "", nil, err
	}
	return s.links.Create(ctx, project, o)
}

// ListLinks returns a project's share links, revoked ones included; their
// tokens are never among what is returned. An unknown project is
// ErrNotFound.
func (s *Server) ListLinks(ctx context.Context, project string) ([]*store.Link, error) {
	if err := s.exists(ctx, project); err != nil {
		return nil, err
	}
	return s.links.List(ctx, project)
}

// RevokeLink ends a share link at once, on every instance sharing the
// store. An unknown link is ErrNotFound.
func (s *Server) RevokeLink(ctx context.Context, id string) error {
	return s.links.Revoke(ctx, id)
}

// LinkUpdate is a change to a share link; nil fields leave what they name
// as it is.
type LinkUpdate struct {
	Name *string
	// RequireToken makes visitors bring an API key allowed for the
	// project (true), or lets the link itself be the credential (false;
	// a private project still requires a key, see Settings).
	RequireToken *bool
	// ExpiresAt sets the expiry, which must be in the future; a pointer
	// to the zero time removes it.
	ExpiresAt *time.Time
	// Enabled false stops the link, true starts it again. Unlike a
	// revocation, disabling can be undone, and the token stays the same.
	Enabled *bool
	// VisitorRateLimit bounds each visitor (client address) of the link,
	// so that one cannot use it up for everyone; a zero RateLimit removes
	// the bound.
	VisitorRateLimit *RateLimit
}

// checkVisitorLimit refuses a visitor limit with one half set, or a
// negative one, naming the management API's field.
func checkVisitorLimit(r RateLimit) error {
	if err := r.Validate(); err != nil {
		return invalidf("visitor_rate_limit", nil, "needs requests > 0 and a positive duration in per (\"1m\"), got %d per %v", r.Requests, r.Per)
	}
	return nil
}

// UpdateLink applies u to a share link and returns it. The change holds
// from the next request on every Server sharing the store: a disabled
// link answers 404 like an unknown one. An expiry not in the future is a
// *ValidationError; an unknown link is ErrNotFound; a revoked link cannot
// be changed: ErrConflict.
func (s *Server) UpdateLink(ctx context.Context, id string, u LinkUpdate) (*store.Link, error) {
	if u.ExpiresAt != nil && !u.ExpiresAt.IsZero() && !u.ExpiresAt.After(s.now()) {
		return nil, invalidf("expires_at", nil, "is in the past")
	}
	if u.VisitorRateLimit != nil {
		if err := checkVisitorLimit(*u.VisitorRateLimit); err != nil {
			return nil, err
		}
	}
	now := s.now()
	// One atomic read-modify-write in the store, as UpdateKey.
	return s.st.Links().Update(ctx, id, func(l *store.Link) error {
		if u.Name != nil {
			l.Name = *u.Name
		}
		if u.RequireToken != nil {
			l.TokenRequired = *u.RequireToken
		}
		if u.ExpiresAt != nil {
			l.ExpiresAt = *u.ExpiresAt
		}
		if u.VisitorRateLimit != nil {
			l.VisitorRequests, l.VisitorPer = u.VisitorRateLimit.Requests, u.VisitorRateLimit.Per
		}
		switch {
		case u.Enabled == nil:
		case *u.Enabled:
			l.DisabledAt = time.Time{}
		case l.DisabledAt.IsZero():
			l.DisabledAt = now
		}
		return nil
	})
}

// RegenerateLink gives a link a new token and returns it; the old token
// stops working at once. An unknown or revoked link is ErrNotFound.
func (s *Server) RegenerateLink(ctx context.Context, id string) (token string, l *store.Link, err error) {
	return s.links.Regenerate(ctx, id)
}

// ShareURL is the URL of a share link's token: absolute when
// Options.BaseURL is set, else a path. It has no trailing slash: append an
// operation path ("/orders") to call the operation through the link; a
// browser opening the URL itself is redirected to the link's page.
func (s *Server) ShareURL(token string) string { return s.url("/s/" + token) }

// InvokeURL is the URL where a project is served: absolute when
// Options.BaseURL is set, else a path. It has no trailing slash: append an
// operation path ("/orders") to call the operation.
func (s *Server) InvokeURL(project string) string { return s.url("/p/" + project) }

// exists returns nil when the project exists, ErrNotFound when it does
// not, and store.ErrInvalid for an id no project can have. It reads the
// version only, not the description.
func (s *Server) exists(ctx context.Context, project string) error {
	if err := store.ValidProjectID(project); err != nil {
		return err
	}
	_, err := s.st.Projects().Version(ctx, project)
	return err
}
