package mockapi

import (
	"context"

	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
)

// CreateLink makes a share link to a project and returns its token, shown
// this once: the store keeps only its hash. ShareURL turns the token into
// the URL visitors open. An unknown project is ErrNotFound; an expiry not
// in the future is a *ValidationError.
func (s *Server) CreateLink(ctx context.Context, project string, o share.LinkOptions) (token string, l *store.Link, err error) {
	if err := s.exists(ctx, project); err != nil {
		return "", nil, err
	}
	if !o.ExpiresAt.IsZero() && !o.ExpiresAt.After(s.now()) {
		return "", nil, invalidf("expires_at", nil, "is in the past")
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

// RegenerateLink gives a link a new token and returns it; the old token
// stops working at once. An unknown or revoked link is ErrNotFound.
func (s *Server) RegenerateLink(ctx context.Context, id string) (token string, l *store.Link, err error) {
	return s.links.Regenerate(ctx, id)
}

// ShareURL is the URL of a share link's token: absolute when
// Options.BaseURL is set, else a path.
func (s *Server) ShareURL(token string) string { return s.url("/s/" + token + "/") }

// InvokeURL is the URL where a project is served: absolute when
// Options.BaseURL is set, else a path.
func (s *Server) InvokeURL(project string) string { return s.url("/p/" + project + "/") }

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
