// Package auth decides who may call a mock API: middleware
// (func(http.Handler) http.Handler) that works in front of the mock handler
// or any other handler, over the API keys in a [KeyStore] such as
// *store.Keys.
//
// # Visibility
//
// A Policy gives a project's visibility and, per operation, overrides:
//
//   - public: anyone. Credentials are still looked at, so the handler behind
//     knows a key's principal, but bad or missing ones make an anonymous
//     caller rather than a refusal.
//   - authenticated: any valid key allowed for the project, or any principal
//     the application's Authenticator (a session cookie, a JWT...) vouches
//     for.
//   - private: a valid key allowed for the project, the project's owner, or
//     a member of its team (Principal.Teams, else Options.Membership).
//
// An operation's own visibility comes from Policy.Operations (Go), else the
// x-mock-visibility extension of the operation in the spec, else it
// inherits the project's. A private operation in a public project stays
// private; a public operation in a private project is open. A setting that
// is not a visibility fails closed: private. The guard routes a request to
// its operation only when the policy has such rules, reusing a match already
// in the context (openapi.MatchFrom) when the policy's Document made it,
// and leaving its own there for the handler behind.
//
// # Credentials
//
// Keys are read in this order: "Authorization: Bearer <key>", "X-API-Key",
// then Apidog-style apidogToken in a header, the query string (when
// Policy.AllowQueryToken) or a form body (urlencoded or multipart; at most
// Options.MaxFormBytes are read and the body stays readable, unchanged, for
// the handler behind). The first value shaped like a key ("mk_...") wins
// wherever it is, so a caller may send the API's own credentials as well
// ("Authorization: Bearer <jwt>", the spec's own apiKey header) and a key
// beside them: the key decides. A bearer token that is not shaped like a
// key is left to the Authenticator when there is one. A request that
// carried a secret is answered with "Cache-Control: no-store" and
// "Referrer-Policy: no-referrer".
//
// A caller the guard admits on credentials (a key, the Authenticator's user
// or a share link: Principal.Admitted) is not asked again by the mock for
// the credentials the operation's security requirement declares; an
// anonymous caller of a public operation is, as the spec says.
//
// CORS preflight requests carry no credentials and are refused like any
// other request to a private operation: put the CORS layer
// (mock.CORS.Handler) in front of the guard, where preflights are answered.
//
// # Keys
//
// NewKey makes keys "mk_" + 160 random bits + a checksum, in base64url.
// CheckKey rejects a typo offline; only the SHA-256 hash (HashKey) and a
// seven-character prefix are stored, and the secret is shown once. Keys can
// be scoped to projects, expire, be deactivated and reactivated
// (store.Keys.Update), be revoked and be rotated with a grace period
// (RotateKey). The guard looks the key up on every request, so a
// revocation, a deactivation or a new scope holds from the very next
// request on every instance sharing the store; the digests are compared
// again in constant time. Last use is recorded with Keys.Touch, which the
// store.Store coalesces in memory and writes every
// store.DefaultTouchInterval (5 s).
//
// # Answers
//
// Refusals are RFC 9457 problem documents with a stable code (typed
// constants in package mock/problem, such as problem.CodeRateLimited):
//
//   - 401 AUTHENTICATION_REQUIRED: no credentials where they are needed
//     (with WWW-Authenticate);
//   - 401 INVALID_API_KEY: a malformed, unknown, expired, deactivated or
//     revoked key, or user token (UserTokens)
//     (WWW-Authenticate: Bearer error="invalid_token");
//   - 403 FORBIDDEN: valid credentials not allowed here, or 404 NOT_FOUND
//     instead when Policy.HideProject hides a private project;
//   - 429 RATE_LIMITED with Retry-After;
//   - 503 SERVICE_UNAVAILABLE when the store or Membership fails.
//
// No answer or log line contains a secret.
//
// # User tokens
//
// NewUserToken makes user tokens: "mu_", 160 random bits and a checksum,
// like keys, with only the hash stored (store.Users). The UserTokens
// Authenticator admits a request that carries one in "Authorization:
// Bearer" or X-API-Key as its user (MethodUserToken), looking the hash up on
// every request, so a revoked token or a deleted user is refused from the
// next request on every instance. That is a choice, the one keys make:
// one indexed read per request (and one more for a team's private
// project) holds on every instance without a cache to invalidate, where
// the project change notifications (PostgreSQL LISTEN) cover projects
// only and a cached token would outlive its revocation by the cache's
// life. With an Authenticator set, the guard
// leaves a user-token-shaped X-API-Key to it instead of taking it for a
// malformed key. A user token admits its user to authenticated
// operations, to private ones of projects the user owns (Policy.Owner),
// and, through Options.Membership (store.Teams is one), to private ones of
// the project's team.
//
// Chain combines Authenticators (the first that answers wins) and
// AnyMembership combines Memberships (any yes wins): mockapi.Server uses
// Chain(UserTokens(store users), the application's Authenticator) and
// AnyMembership(store teams, the application's Membership).
//
// An Authenticator error wrapping store.ErrUnavailable is answered 503,
// one wrapping ErrInvalidUserToken 401 INVALID_API_KEY, any other 401
// AUTHENTICATION_REQUIRED.
//
// # Rate limits
//
// A token bucket per project and caller: the API key, else the share link
// (ContextWithLinkID), else the user, else the client address (IPv6 by /64).
// Limited responses carry RateLimit-Policy and RateLimit fields (IETF
// httpapi draft). Buckets of idle callers are reclaimed by a goroutine that
// Guard.Close stops.
//
// # Share links
//
// A request marked with ContextWithLinkID carries the link in its principal,
// is limited per link, and never reaches an operation whose own visibility
// is private (404).
//
// # Compatibility
//
// For v1, NewGuard and Options (fields are only added, each with a zero
// value that keeps today's behaviour), Guard's middleware, Policy,
// Principal and the Method constants, the context helpers, the key format
// (NewKey, CheckKey, HashKey, RotateKey, KeyPrefix) and the problem codes
// (package mock/problem) are stable. The text of details and log lines is
// not.
package auth
