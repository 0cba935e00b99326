// Package mockapi turns an OpenAPI document into a working mock API you can
// embed anywhere an http.Handler fits: inside a Go test, mounted in an
// existing server, or run as a small self-hosted mock a team shares.
//
// The work is split into composable packages:
//
//   - openapi loads Swagger 2.0, OpenAPI 3.0 and 3.1 documents (bytes,
//     files, fs.FS, URLs), repairs what real descriptions get wrong,
//     indexes every operation and routes requests with a segment trie.
//   - openapi/importer derives an OpenAPI 3.1 description from recorded
//     traffic: a HAR file, a Postman collection or curl commands.
//   - mock is the http.Handler that answers each operation the way its spec
//     says: chosen status, negotiated media type, checked examples or
//     realistic generated data, request validation with precise errors.
//     Where the description has resource collections it is stateful: a POST
//     shows up in the next GET, per visitor session if asked.
//   - mock/proxy puts the real API behind the mock: validated requests are
//     forwarded, the mock answers when the upstream cannot, answers are
//     checked for drift, and recordings of them are replayed as examples.
//   - auth is middleware deciding who may call what: visibility, API keys,
//     user tokens, team access, rate limits.
//   - share serves share links (/s/{token}/) and the shared project page.
//   - store holds every piece of state behind small interfaces, in memory,
//     in SQLite or in PostgreSQL.
//   - Server (this package) composes them into a self-hosted mock that
//     hosts many projects with a management API and analytics, users and
//     teams (the store's, by default, beside the application's own:
//     Options.Authenticator and Options.Membership), and quotas.
//   - examples/mockserver is the command users start first.
//
// See the README for the two commands that start the mock server and run
// the tests, and SECURITY.md for who may do what and what is bounded.
//
// # Managing projects from Go
//
// The Server's methods (CreateProject, UpdateProject, SetSpec,
// DeleteProject, CreateKey, RotateKey, CreateLink, ...) are the management
// API without HTTP: the handlers under /_admin/ only translate JSON to
// them. SetSource and Reload read a project's description again from
// where it lives (the mock server's -watch uses them). Input they refuse is a *ValidationError naming the field; missing
// things are ErrNotFound and taken ids ErrConflict. A project's settings
// are a typed Settings, whose every zero value is the default and means
// what the zero value of the auth.Policy field it sets means: a key in the
// apidogToken query parameter, for one, is accepted only where
// Settings.AllowQueryToken says so.
//
// # The dashboard
//
// A Server with an AdminToken also serves a web dashboard at DashboardPath
// (/_admin/ui/) unless Options.NoDashboard: HTML pages rendered on the
// server over the same Go API, for projects, keys, share links, request
// logs and analytics charts. People sign in with the admin token; the
// session is a cookie the Server checks against the digest it keeps, until
// Options.DashboardSessionTTL, and every form carries a CSRF token.
//
// # Compatibility
//
// For v1 this package keeps stable: Options and its documented zero
// values; New, ServeHTTP, Shutdown, Close and FlushLog; the Go API's
// methods, their input types (NewProject, ProjectUpdate, NewKey, Settings,
// RateLimit) and the errors they return (ValidationError, ProjectError,
// ErrNotFound, ErrConflict); the routes, JSON fields, statuses and problem
// codes of the management API; and the JSON form in which Settings are
// stored. New fields may be added to the structs and new methods to the
// Server; the text of error messages and the layout of log lines may
// change.
//
// # The request log
//
// A Server records every request to a project (method, path without the
// query, status, latency, key, link, session) for the management API's
// logs and analytics. Every field is bounded by the store (a path to 1
// KiB), and the Server prunes the log in the background: entries older
// than Options.LogRetention (7 days) and all but each project's newest
// Options.LogMaxEntries (100,000), every Options.LogPruneEvery (1 minute).
package mockapi
