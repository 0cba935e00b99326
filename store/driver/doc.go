// Package driver defines the interfaces a store backend implements, and
// the helpers backends share. Applications do not use it: they use the
// portable types of package store (store.Store, *store.Keys, ...), which
// wrap a Driver and do once what every backend would otherwise repeat
// (argument validation, refusal after Close, ids, timestamps, expiry checks
// on lookup, coalesced key touches).
//
// A backend implements [Driver] and the five concern interfaces it returns
// ([Projects], [Keys], [Links], [Records], [RequestLog]), and passes the
// conformance suite in store/storetest. [ClockSetter] is optional.
//
// The data types ([Project], [Key], [Record], [Query], [Entry], ...) and
// the sentinel errors are defined here, so that both sides can name them;
// package store re-exports each one under the same name, and applications
// use those names.
//
// Backends that compute the order of a sorted listing themselves use
// [SortKey], [KeyOf], [KeyOfData] and [Order]; those that continue a
// listing read the cursor with [ParseKeyset]; those that cannot apply a
// JSON merge patch in their query language use [MergePatch].
//
// # Compatibility
//
// This package follows go-cloud's promise for driver packages: the
// interfaces may gain methods in a minor release of mockapi, so a backend
// outside this module may need changes to build against a newer mockapi.
// What applications see is kept stable by package store instead. The data
// types and sentinel errors are the ones package store re-exports, and keep
// store's promise.
package driver
