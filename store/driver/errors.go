package driver

import "errors"

// Sentinel errors, re-exported by package store under the same names.
// A driver wraps the matching value for one of these conditions, with its
// own cause next to it (fmt.Errorf("...: %w (%w)", ErrUnavailable, err)), so
// callers test with errors.Is.
var (
	// ErrNotFound: the project, key, link, record or session does not exist
	// (or, on lookup, is revoked or expired).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a duplicate id or hash, or an update against a stale version.
	ErrConflict = errors.New("store: conflict")
	// ErrInvalid: an argument is missing or malformed; the call did nothing.
	ErrInvalid = errors.New("store: invalid argument")
	// ErrClosed: the Store has been closed.
	ErrClosed = errors.New("store: closed")
	// ErrUnavailable: the database could not serve the call now (busy,
	// out of connections, unreachable, or the caller's deadline passed
	// while the call waited); the same call may succeed later. Servers
	// answer it with 503 and Retry-After.
	ErrUnavailable = errors.New("store: unavailable")
)
