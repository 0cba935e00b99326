package auth

import (
	"context"
	"net/http"
	"slices"
)

// Principal is who a request was let in as.
type Principal struct {
	KeyID  string   // the API key's id, when authenticated by key
	UserID string   // the user, from the Authenticator (or the key's owner)
	Teams  []string // the user's teams, as far as the Authenticator knows them
	// Method says how the caller authenticated: MethodKey,
	// MethodAuthenticator, or "" for an anonymous caller of a public
	// operation.
	Method Method
	// LinkID is the share link the request came through (ContextWithLinkID).
	LinkID string
}

// Method is how a caller authenticated, in Principal.Method.
type Method string

// Authentication methods in Principal.Method.
const (
	MethodKey           Method = "key"           // an API key from the Keys store
	MethodAuthenticator Method = "authenticator" // the application's Authenticator
)

// Admitted reports whether the guard let the caller in on credentials: an
// API key, the Authenticator's user, or a share link. An anonymous caller of
// a public operation is not admitted. The mock takes an admitted caller's
// credentials as the ones the operation declares, so a spec's own security
// scheme (bearer, an apiKey header of another name) never refuses a caller
// the guard has let in.
func (p *Principal) Admitted() bool {
	return p != nil && (p.Method != "" || p.KeyID != "" || p.UserID != "" || p.LinkID != "")
}

// InTeam reports whether the principal names the team among its Teams.
func (p *Principal) InTeam(team string) bool {
	return team != "" && slices.Contains(p.Teams, team)
}

// Authenticator is the application's own check of a request (a session
// cookie, a JWT, ...). It returns nil, nil when the request carries nothing
// it recognises. A non-nil error means the request's credentials are bad:
// the guard answers 401 for operations that need a principal, and logs
// nothing of the error's text (it might quote a token). The guard sets
// Method (when empty) and LinkID on the principal returned, so return a new
// one per request. It is asked only when the request carries no API key.
type Authenticator func(r *http.Request) (*Principal, error)

// Membership backs team access with the application's own data: it reports
// whether the user belongs to the team.
type Membership interface {
	IsMember(ctx context.Context, userID, team string) (bool, error)
}

// MembershipFunc adapts a function to Membership.
type MembershipFunc func(ctx context.Context, userID, team string) (bool, error)

// IsMember calls f.
func (f MembershipFunc) IsMember(ctx context.Context, userID, team string) (bool, error) {
	return f(ctx, userID, team)
}

type principalKey struct{}
type linkKey struct{}

// ContextWithPrincipal returns a context carrying p, as the guard does for
// the handler behind it.
func ContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal the guard let the request in as. It is
// present (with an empty Method) for anonymous callers of public operations
// too; false means the request did not pass a guard.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// ContextWithLinkID marks a request as coming through the share link with the
// id (the share package does this after resolving the link). Behind it the
// guard sets Principal.LinkID, rate-limits per link rather than per client
// address (a request with its own API key stays limited per key), and never
// lets the request reach an operation whose own visibility is private: such
// operations answer 404, as if they did not exist.
func ContextWithLinkID(ctx context.Context, linkID string) context.Context {
	return context.WithValue(ctx, linkKey{}, linkID)
}

// LinkIDFrom returns the share link id set by ContextWithLinkID (share.LinkFrom
// returns the link itself).
func LinkIDFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(linkKey{}).(string)
	return id, ok && id != ""
}
