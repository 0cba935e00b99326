package share

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/store"
)

// TokenPrefix starts every share-link token, so that people and secret
// scanners recognise one in a URL or a paste.
const TokenPrefix = "msl_"

// tokenLen is the length of a token: the prefix and secret.Bytes of unpadded
// base64url.
var tokenLen = len(TokenPrefix) + (secret.Bytes*8+5)/6

// shownPrefix is how many leading characters of a token are stored in
// store.Link.Prefix to recognise the link in a list: the fixed prefix and 4
// random characters (24 bits of the 160), never enough to find the token.
var shownPrefix = len(TokenPrefix) + 4

// LinkStore is what a Registry needs of a share-link store; *store.Links
// (see store.Store.Links) is one. The methods mean what they mean there:
// Lookup finds an active link by the hash of its token, and Regenerate
// replaces a link's hash and prefix in one step.
type LinkStore interface {
	Create(ctx context.Context, l *store.Link) error
	Get(ctx context.Context, id string) (*store.Link, error)
	Lookup(ctx context.Context, hash string) (*store.Link, error)
	List(ctx context.Context, project string) ([]*store.Link, error)
	Revoke(ctx context.Context, id string, at time.Time) error
	Regenerate(ctx context.Context, id, hash, prefix string) (*store.Link, error)
}

var _ LinkStore = (*store.Links)(nil)

// Registry creates, lists, revokes, regenerates and resolves share links
// over a LinkStore. Tokens are shown once, by Create and Regenerate; the
// store keeps only their SHA-256 hash. A Registry is safe for concurrent use.
type Registry struct {
	links LinkStore
	now   func() time.Time
}

// Option configures a Registry.
type Option func(*Registry)

// WithClock sets the clock a Registry uses for expiry and revocation times
// (default time.Now), as store.WithClock, mock.WithClock and
// auth.Options.Clock do for theirs; tests use it to expire links without
// sleeping.
func WithClock(now func() time.Time) Option { return func(r *Registry) { r.now = now } }

// NewRegistry returns a Registry over links, usually a store.Store's Links.
func NewRegistry(links LinkStore, opts ...Option) *Registry {
	r := &Registry{links: links, now: time.Now}
	for _, o := range opts {
		o(r)
	}
	return r
}

// LinkOptions describes a new link. The zero value is a public link that
// never expires and has no name.
type LinkOptions struct {
	// TokenRequired makes visitors present a valid API key allowed for the
	// project, in any place the auth package accepts one. False makes the
	// link itself the credential: anyone holding it may call every
	// operation, even of a private project, except those marked private
	// one by one (an operation visibility override or x-mock-visibility),
	// unless the host requires a key for the whole project
	// (Served.TokenRequired; mockapi.Server does for private projects).
	TokenRequired bool
	// ExpiresAt ends the link; zero means never. A time not after now is
	// refused with store.ErrInvalid.
	ExpiresAt time.Time
	// Name labels the link in lists ("QA team", "partner demo").
	Name string
	// VisitorLimit bounds each visitor (client address) of the link, so
	// that one cannot use it up for everyone: Requests per Per, with a
	// burst of Requests (Burst is not kept). Zero: no per-visitor limit.
	VisitorLimit auth.Limit
}

// Create makes a link to the project and returns its token, which is not
// stored and cannot be shown again, and the stored link.
func (r *Registry) Create(ctx context.Context, project string, o LinkOptions) (token string, l *store.Link, err error) {
	if project == "" {
		return "", nil, fmt.Errorf("share: create link: empty project: %w", store.ErrInvalid)
	}
	if !o.ExpiresAt.IsZero() && !o.ExpiresAt.After(r.now()) {
		return "", nil, fmt.Errorf("share: create link to %q: expiry %s is not in the future: %w", project, o.ExpiresAt.Format(time.RFC3339), store.ErrInvalid)
	}
	if v := o.VisitorLimit; v.Requests < 0 || v.Per < 0 || (v.Requests > 0) != (v.Per > 0) {
		return "", nil, fmt.Errorf("share: create link to %q: a visitor limit needs Requests and Per both positive, or both zero: %w", project, store.ErrInvalid)
	}
	token = secret.New(TokenPrefix)
	l = &store.Link{
		Project:         project,
		Hash:            secret.Hash(token),
		Prefix:          token[:shownPrefix],
		Name:            o.Name,
		TokenRequired:   o.TokenRequired,
		ExpiresAt:       o.ExpiresAt,
		VisitorRequests: o.VisitorLimit.Requests,
		VisitorPer:      o.VisitorLimit.Per,
	}
	if err := r.links.Create(ctx, l); err != nil {
		return "", nil, fmt.Errorf("share: create link to %q: %w", project, err)
	}
	return token, l, nil
}

// List returns the links of a project in every state (revoked and expired
// ones too, for an audit view), oldest first. An empty project lists every
// link.
func (r *Registry) List(ctx context.Context, project string) ([]*store.Link, error) {
	ls, err := r.links.List(ctx, project)
	if err != nil {
		return nil, fmt.Errorf("share: list links of %q: %w", project, err)
	}
	return ls, nil
}

// Get returns the link with the id in any state, or store.ErrNotFound.
func (r *Registry) Get(ctx context.Context, id string) (*store.Link, error) {
	l, err := r.links.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("share: link %s: %w", id, err)
	}
	return l, nil
}

// Revoke ends the link at once; revoking twice is not an error. An unknown
// id is store.ErrNotFound.
func (r *Registry) Revoke(ctx context.Context, id string) error {
	if err := r.links.Revoke(ctx, id, r.now()); err != nil {
		return fmt.Errorf("share: revoke link %s: %w", id, err)
	}
	return nil
}

// Regenerate gives the link a new token and returns it: from its return on
// the old token resolves to nothing and the new one works. The link keeps its
// id, options and usage history. A revoked link is store.ErrNotFound.
func (r *Registry) Regenerate(ctx context.Context, id string) (token string, l *store.Link, err error) {
	token = secret.New(TokenPrefix)
	l, err = r.links.Regenerate(ctx, id, secret.Hash(token), token[:shownPrefix])
	if err != nil {
		return "", nil, fmt.Errorf("share: regenerate link %s: %w", id, err)
	}
	return token, l, nil
}

// Resolve returns the active link the token opens. An unknown, malformed,
// revoked or expired token is store.ErrNotFound, with nothing in the error
// to tell these apart. The token is only ever hashed, never compared.
func (r *Registry) Resolve(ctx context.Context, token string) (*store.Link, error) {
	if CheckToken(token) != nil {
		return nil, errNoLink
	}
	l, err := r.links.Lookup(ctx, secret.Hash(token))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, errNoLink
	case err != nil:
		return nil, fmt.Errorf("share: resolve link: %w", err)
	case !l.Active(r.now()):
		return nil, errNoLink
	}
	return l, nil
}

// errNoLink is the one error for every token that opens nothing.
var errNoLink = fmt.Errorf("share: no such link: %w", store.ErrNotFound)

// ErrMalformedToken is returned by CheckToken for a string that cannot be a
// share-link token.
var ErrMalformedToken = errors.New("share: malformed link token")

// CheckToken checks offline that s has the shape of a token Create makes:
// nil, or ErrMalformedToken, so that garbage is refused without a store
// lookup. The error never contains s. auth.CheckKey is its counterpart for
// API keys.
func CheckToken(s string) error {
	if len(s) != tokenLen || s[:len(TokenPrefix)] != TokenPrefix {
		return ErrMalformedToken
	}
	for i := len(TokenPrefix); i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return ErrMalformedToken
		}
	}
	return nil
}
