// Package store holds every piece of mockapi's state behind small interfaces,
// one per concern, so that the same code runs on an in-memory store in a unit
// test, on an embedded SQLite file on one machine, and on PostgreSQL shared by
// several mock-server instances.
//
// # Concerns
//
//   - [Projects]: API descriptions, visibility, owner, team and settings, with
//     optimistic concurrency (a stale [Project.Version] is [ErrConflict]).
//   - [Keys]: API keys stored as a hash and a non-secret prefix; lookup by
//     hash, revoke, rotate with a grace period, coalesced last-used times.
//   - [Links]: share links stored as a token hash; lookup, revoke, regenerate.
//   - [Records]: JSON documents in named collections per project, for the
//     stateful CRUD mock, in a [Scope]: the shared base data or one visitor
//     session's private overlay.
//   - [RequestLog]: request-log entries, queries, aggregates and retention.
//
// # Portable layer and drivers
//
// A backend implements [Driver]: the five interfaces and Close. [New] wraps a
// Driver in a [Store], which is what the rest of mockapi uses. The Store does
// once what every backend would otherwise repeat: it refuses calls after
// Close ([ErrClosed]), validates arguments ([ErrInvalid]), assigns ids and
// timestamps, refuses revoked and expired credentials on lookup, strips query
// strings from logged paths, and coalesces last-used updates of keys so that
// authenticating a request does not cost a write.
//
// Backends: store/memory (maps and locks) and store/sqlstore (SQLite and
// PostgreSQL through database/sql). store/storetest is the conformance suite
// every backend runs.
//
// # Errors
//
// Errors wrap one of the sentinel values [ErrNotFound], [ErrConflict],
// [ErrInvalid], [ErrClosed] and [ErrUnavailable] (the database cannot serve
// the call now; retry later); test them with [errors.Is].
package store
