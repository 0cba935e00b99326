// Package dashboard holds the pieces of mockapi's web dashboard that need no
// Server: sign-in sessions kept server-side by the hash of their id, CSRF
// checks, the HTML templates and static files (embedded, no build step),
// security headers with a strict Content-Security-Policy, and bar charts
// drawn as inline SVG on the server.
//
// The handlers that use a mockapi.Server live in the root package
// (dashboard*.go); this package knows nothing of projects or keys.
//
// # Sessions
//
// A session id is 160 random bits, sent to the browser once in an
// HttpOnly, SameSite=Strict cookie; Sessions keeps only its SHA-256 digest,
// with an expiry checked on every request, so a leaked memory dump or log
// does not hand out a session, and an expired cookie is refused whatever the
// browser does with it. Sessions live in the process: behind a load balancer
// of several instances, route the dashboard's prefix to one instance (or use
// sticky sessions).
//
// # CSRF
//
// Every form carries the session's CSRF token (the sign-in form a token
// bound to a short-lived cookie), compared in constant time; a request whose
// Origin or Sec-Fetch-Site says it came from another site is refused before
// that.
package dashboard
