package store

import "github.com/mockapi-go/mockapi/store/driver"

// Sentinel errors. Every error a Store returns for one of these conditions
// wraps the matching value, so callers test with errors.Is; backends wrap their
// own causes with %w next to it. They are the values of package
// store/driver, where backends find them.
var (
	// ErrNotFound: the project, key, link, record or session does not exist
	// (or, on lookup, is revoked or expired).
	ErrNotFound = driver.ErrNotFound
	// ErrConflict: a duplicate id or hash, or an update against a stale version.
	ErrConflict = driver.ErrConflict
	// ErrInvalid: an argument is missing or malformed; the call did nothing.
	ErrInvalid = driver.ErrInvalid
	// ErrClosed: the Store has been closed.
	ErrClosed = driver.ErrClosed
	// ErrUnavailable: the database could not serve the call now (busy,
	// out of connections, unreachable, or the caller's deadline passed
	// while the call waited); the same call may succeed later. Servers
	// answer it with 503 and Retry-After.
	ErrUnavailable = driver.ErrUnavailable
)
