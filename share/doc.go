// Package share opens one project's mock API to anyone holding a link:
// frontend developers, QA, partners and clients call it at once, with or
// without an API key, and the owner can revoke or regenerate the link at any
// time and see its use in the request log.
//
// # Links
//
// A [Registry] creates, lists, revokes, regenerates and resolves share links
// over a [LinkStore] such as *store.Links. A token is "msl_" and 160 random
// bits in base64url; it is shown once, by [Registry.Create] and
// [Registry.Regenerate], and the store keeps only its SHA-256 hash (and a
// short prefix to recognise it).
// [Registry.Resolve] hashes a token and looks the hash up; it never compares
// tokens, and it answers store.ErrNotFound alike for an unknown, malformed,
// revoked or expired token.
//
// # Serving a link
//
// [Handler] serves {Prefix}{token}/rest/of/path (Prefix is "/s/" by
// default). An unknown, revoked or expired token gets the same 404
// problem+json. Otherwise the handler serves /rest/of/path through the
// auth.Guard and the project's mock, as a direct call would be, with a
// policy derived from the project's:
//
//   - a link made with LinkOptions.TokenRequired, or any link to a project
//     whose Served.TokenRequired is set, needs an API key allowed for the
//     project, in any place the auth package accepts one (401 without one,
//     403 for a key of another project); other links are public;
//   - operations whose own visibility is private (auth.Policy.Operations or
//     x-mock-visibility) answer 404 before the guard and are never served;
//     operations whose own visibility is authenticated keep needing a key;
//   - requests are rate-limited per link (Options.RateLimit, else the
//     project policy's), and per key for visitors with their own key; a
//     link with a visitor limit (LinkOptions.VisitorLimit) also bounds
//     each client address, so one visitor cannot use it up for everyone.
//
// The request's context carries the link ([LinkFrom], and
// auth.ContextWithLinkID for the guard), and a visitor session for the mock
// (mock.ContextWithSession): "link:{link id}:{visitor}", where the visitor
// is the X-Mock-Session header or else a random id kept in an HttpOnly,
// SameSite=Lax cookie scoped to the link's path. Visitors' writes therefore
// stay in their own session: two visitors never see each other's changes,
// and the owner's base data is untouched. Clients on another origin, which
// the cookie does not reach, send X-Mock-Session to keep a session.
// Options.Record receives one store.Entry per request through a link, with
// the link id, and the path without its query string.
//
// # The project page and description
//
// GET {Prefix}{token}/ from a browser shows the project page: the project's
// name and description and every operation it exposes, with method, path,
// summary, parameters, an example response and a ready-to-copy curl command
// using the share URL (with an <API_KEY> placeholder when a key is
// required). It is plain html/template without JavaScript, readable on a
// phone, sent with no-store, no-referrer and a strict Content-Security-Policy
// so the token in it does not leak. With Accept: application/json, or
// ?format=openapi, the same URL answers the API description as JSON, with
// its servers pointing at the share URL and the private operations removed.
// When the API itself has a GET / operation, only ?format=openapi and
// ?format=html reach the description and the page. GET {Prefix}{token}
// redirects to the slash form.
//
// The page, the description and the guard middleware are prepared once per
// [Served] value, which the host caches per project version.
//
// # Compatibility
//
// For v1, NewRegistry and its options, Registry's methods, NewHandler and
// Options (fields are only added, each zero value keeping today's
// behaviour), the token format (TokenPrefix, CheckToken), the visitor
// session (mock.SessionHeader, the cookie) and the problem codes (package
// mock/problem) are stable. The HTML of the project page is not.
package share
