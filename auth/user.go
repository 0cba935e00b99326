package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/store"
)

// UserTokenPrefix starts every user token NewUserToken makes.
const UserTokenPrefix = "mu_"

// MethodUserToken is Principal.Method for a caller admitted on a user
// token (UserTokens).
const MethodUserToken Method = "user_token"

// NewUserToken makes a user token: "mu_", 160 random bits and a 32-bit
// checksum in base64url, like an API key. It returns the secret, to be
// shown once, and the token to store: only the secret's SHA-256 hash
// (HashKey) and a short non-secret prefix are kept in it.
func NewUserToken() (string, *store.UserToken) {
	body := secret.New(UserTokenPrefix)
	s := body + checksum(body)
	return s, &store.UserToken{Hash: HashKey(s), Prefix: s[:shownLen], CreatedAt: time.Now().UTC()}
}

// CheckUserToken checks offline that s is shaped like a user token and
// that its checksum matches: nil, or ErrMalformedKey. The error never
// contains s.
func CheckUserToken(s string) error { return checkToken(s, UserTokenPrefix) }

// UserStore is what UserTokens needs of a user store; *store.Users is one.
// Lookup returns the user whose active token has the hash, or an error
// wrapping store.ErrNotFound.
type UserStore interface {
	Lookup(ctx context.Context, hash string) (*store.User, *store.UserToken, error)
}

var _ UserStore = (*store.Users)(nil)

// ErrInvalidUserToken is what the UserTokens Authenticator returns for a
// malformed, unknown or revoked user token, or one of a deleted user. The
// guard answers an Authenticator error wrapping it as it answers a bad
// key: 401 INVALID_API_KEY.
var ErrInvalidUserToken = errors.New("auth: invalid user token")

// UserTokenFrom returns the user token a request carries, in
// "Authorization: Bearer" or X-API-Key: the first value that starts with
// UserTokenPrefix.
func UserTokenFrom(r *http.Request) (string, bool) {
	if v := r.Header.Get("Authorization"); v != "" {
		scheme, tok, _ := strings.Cut(strings.TrimSpace(v), " ")
		if tok = strings.TrimSpace(tok); strings.EqualFold(scheme, "Bearer") && strings.HasPrefix(tok, UserTokenPrefix) {
			return tok, true
		}
	}
	// The canonical name, read from the map: Get would canonicalise
	// "X-API-Key" with an allocation on every request.
	if vs := r.Header["X-Api-Key"]; len(vs) > 0 {
		if v := strings.TrimSpace(vs[0]); strings.HasPrefix(v, UserTokenPrefix) {
			return v, true
		}
	}
	return "", false
}

// UserTokens is an Authenticator of user tokens ("Authorization: Bearer
// mu_..." or "X-API-Key: mu_..."): it looks the token's hash up in users
// on every request, so that a revoked token or a deleted user is refused
// from the next request on, on every instance sharing the store, and
// compares the digests again in constant time. The principal it returns
// has the user's id and MethodUserToken; its Teams are left to the
// guard's Membership. A request without a user token gets nil, nil (so
// another Authenticator in a Chain may answer); a bad token
// ErrInvalidUserToken; a store that fails an error wrapping
// store.ErrUnavailable (the guard answers 503).
func UserTokens(users UserStore) Authenticator {
	return func(r *http.Request) (*Principal, error) {
		tok, ok := UserTokenFrom(r)
		if !ok {
			return nil, nil
		}
		if CheckUserToken(tok) != nil {
			return nil, ErrInvalidUserToken
		}
		hash := HashKey(tok)
		u, t, err := users.Lookup(r.Context(), hash)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return nil, ErrInvalidUserToken
		case err != nil:
			return nil, fmt.Errorf("auth: user token lookup: %w: %w", store.ErrUnavailable, err)
		}
		if !sameDigest(t.Hash, hash) || !t.RevokedAt.IsZero() {
			return nil, ErrInvalidUserToken
		}
		return &Principal{UserID: u.ID, Method: MethodUserToken}, nil
	}
}

// Chain returns an Authenticator that asks each non-nil one in turn and
// answers with the first that returns a principal or an error. Put the
// most specific first: UserTokens answers only requests that carry a user
// token.
func Chain(as ...Authenticator) Authenticator {
	var list []Authenticator
	for _, a := range as {
		if a != nil {
			list = append(list, a)
		}
	}
	return func(r *http.Request) (*Principal, error) {
		for _, a := range list {
			if p, err := a(r); p != nil || err != nil {
				return p, err
			}
		}
		return nil, nil
	}
}

// AnyMembership returns a Membership that says yes when one of the
// non-nil ones does, asking them in order. An error of one is returned
// only when no later one says yes.
func AnyMembership(ms ...Membership) Membership {
	var list []Membership
	for _, m := range ms {
		if m != nil {
			list = append(list, m)
		}
	}
	return MembershipFunc(func(ctx context.Context, userID, team string) (bool, error) {
		var first error
		for _, m := range list {
			ok, err := m.IsMember(ctx, userID, team)
			if ok {
				return true, nil
			}
			if err != nil && first == nil {
				first = err
			}
		}
		return false, first
	})
}
