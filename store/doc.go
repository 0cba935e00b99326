// Package store holds every piece of mockapi's state, one concern per type,
// so that the same code runs on an in-memory store in a unit test, on an
// embedded SQLite file on one machine, and on PostgreSQL shared by several
// mock-server instances.
//
// # Concerns
//
// A [Store] owns one backend's connection and hands out one portable type
// per concern:
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
//   - [Users]: people and their user tokens (stored as a hash, read on every
//     lookup, so a revocation or a deletion holds at once on every instance).
//   - [Teams]: teams, owner and member roles, and invites by email that stay
//     pending until a user with that email accepts. A team's projects are the
//     projects whose Team names it; a team that has some cannot be deleted
//     (ErrConflict).
//   - [Quotas]: per-project and per-user bounds, and usage counters per day
//     and month that callers add to in batches.
//
// Code that needs only part of a concern declares the small interface it
// uses, and the portable type satisfies it: auth.KeyStore (Lookup and
// Touch), share.LinkStore, mock.RecordStore.
//
// # Portable layer and drivers
//
// A backend implements the interfaces of package store/driver; [New] wraps
// a driver.Driver in a Store. The Store does once what every backend would
// otherwise repeat: it refuses calls after Close ([ErrClosed]), validates
// arguments ([ErrInvalid]), assigns ids and timestamps, refuses revoked and
// expired credentials on lookup, strips query strings from logged paths,
// and coalesces last-used updates of keys so that authenticating a request
// does not cost a write.
//
// Backends: store/memory (maps and locks), store/sqlstore/sqlite and
// store/sqlstore/postgres (database/sql, one driver each).
// store/storetest is the conformance suite every backend runs.
//
// # Lifecycle
//
// No constructor starts a goroutine. The one that writes coalesced
// last-used times every [WithTouchInterval] starts with the first
// [Keys.Touch]; [Store.Close] stops it, writes what is pending and closes
// the backend. Close is idempotent.
//
// # Errors
//
// Errors wrap one of the sentinel values [ErrNotFound], [ErrConflict],
// [ErrInvalid], [ErrClosed] and [ErrUnavailable] (the database cannot serve
// the call now; retry later); test them with [errors.Is].
//
// # Compatibility
//
// Applications get source compatibility through v1 on what this package
// exports: the Store and its portable types keep their methods and
// meaning (methods may be added; they are concrete types, so that adding
// one breaks no one), and the data types (re-exported from store/driver,
// where backends name them) may gain fields but lose none. Backends make a
// different bargain, stated in store/driver: its interfaces may grow in a
// minor release.
package store
