// Package mock serves an API description as a mock: mock.New returns an
// http.Handler that answers every operation the way its spec says, to put
// inside httptest.NewServer, mount in a Go server, or run with
// examples/mockserver.
//
// # Choosing the answer
//
// A request is routed with the document's router (openapi.Router), checked
// for the credentials its security requirement declares (401 with
// WWW-Authenticate otherwise, its "errors" naming each missing credential
// where the spec declares it; a caller an auth.Guard in front admitted on
// credentials of its own passes), validated (400 for parameters, 415 for the
// content type, 422 for the body, as RFC 9457 application/problem+json with
// an "errors" array that locates each violation), and then answered:
//
//   - Status: `Prefer: code=404` or `?__code=404`, else the lowest declared
//     2xx, else "default", else the first declared. A code the operation does
//     not declare answers 404 naming the declared ones.
//   - Media type: negotiated from Accept (quality values, wildcards); 406
//     lists what is available. JSON and +json, text, XML (a simple rendering
//     of the value), form and binary bodies are produced.
//   - Body: the example named by `Prefer: example=name` / `?__example=name`;
//     else the media type's example, a named example, or the schema's
//     example; else a value generated from the schema. `Prefer: dynamic=true`
//     / `?__dynamic=true` (or WithDynamic) always generates.
//
// Control query parameters never reach request validation. HEAD is answered
// like GET without a body, unknown paths 404 and other methods 405 with
// Allow. CORS lets every origin call without credentials by default
// (WithCORS names origins and allows credentials, WithoutCORS turns it
// off); preflight requests are answered without touching the operation, and
// every answer, refusals included, carries the policy's headers. In front of
// a composed stack (an auth guard, share links) use CORS.Handler as the one
// CORS layer and give the mock WithoutCORS.
//
// # Rules
//
// Before examples and generated data, an operation's rules are tried, in
// order: its x-mock-rules extension, then WithRules. A rule (package
// mock/rules) matches path, query, header and cookie parameters and body
// fields by JSON pointer (equals, regex, exists, lt/le/gt/ge/ne) and
// answers with a status, a named example, an inline body, headers and a
// delay; bodies and headers may be templates of the request
// ({{request.path.petId}}, {{request.body.name}}) and of helpers ({{now}},
// {{uuid}}, {{faker.email}}), deterministic under WithSeed. The order is:
// Prefer controls, then rules, then examples, then generated data. A rule
// whose answer contradicts the spec is never used: from the spec it is a
// warning with its location, from WithRules an error of New. A rendered
// template the spec refuses is a 500 naming the rule and the place.
//
// # Streams
//
// A response whose media type streams items (text/event-stream,
// application/x-ndjson and the other JSON-lines names,
// application/json-seq) and that has no example to serve is sent as a
// stream: WithStream items (5 by default), each generated from the item
// schema (the array's items, or the schema itself) and flushed, a set
// interval apart, until the count is reached or the client goes away.
// Event objects with a data member become events with their event, id and
// retry fields. Prefer: stream-count=N, stream-interval=D sets both per
// request.
//
// # Faults
//
// Prefer: fault=reset closes the connection unanswered, fault=timeout
// holds it until the client gives up (at most WithMaxDelay), and
// fault=truncate sends the headers and half the body. fault=503 answers
// the operation's declared 503; a status it does not declare is refused
// with 404, unless fault-off-contract=true asks for it anyway. WithChaos
// injects the same faults, and latency, at a rate, deterministic under
// WithSeed.
//
// # Callbacks
//
// WithCallbacks(d) fires the OpenAPI callbacks an operation declares, once
// it answered with a 2xx or 3xx status: the URL is the callback key's
// runtime expression evaluated against the request and the answer
// ("{$request.body#/callbackUrl}"), the body is generated from the
// callback's request schema and checked against it. d, a
// callback.Dispatcher, sends in the background with the delay, retries and
// repeats it was given, refuses private and loopback destinations unless
// allowed, and journals each delivery (Deliveries, Await).
//
// # Answering in Go
//
// WithOperation("getPet", fn) hands one operation to Go code: fn runs after
// routing, the security check and validation, with the match in the
// context (openapi.MatchFrom) and next, the answer the spec would give.
// fn can answer itself, call next, or call next into a recorder and change
// the answer. WithSelfCheck, and mock/mocktest always, hold what fn writes
// to the spec.
//
// URLs the mock writes (Location, Link, envelope links) point inside
// wherever it is mounted: under http.StripPrefix, the mount is told from
// the request's RequestURI, which StripPrefix leaves as the client sent it.
//
// # Examples are checked, not trusted
//
// Real descriptions carry examples that contradict their own schema. Each
// example is validated once, when its operation is compiled (on the
// operation's first call, or for all by Warnings); one that does not
// validate is reported in Handler.Warnings with its location and, unless
// WithExamplesVerbatim is set, never served: a generated value that
// validates is served instead. WithSelfCheck validates every response
// before it is sent and answers 500 when the mock would lie.
//
// # Validation cost
//
// Every schema is validated with kin-openapi's verdicts, OpenAPI 3.1
// (JSON Schema 2020-12) included, but each schema's validator is compiled
// at most once per handler, on first use, and 3.1 requests and responses
// are checked as fast as 3.0 ones. Patterns are matched with ECMAScript
// semantics throughout, as the loader reads them. Stateful records are
// validated when written: a record written since the handler was built is
// served as stored, a list page as the stored records joined; one written
// under an older description is checked and reshaped when first read, and
// written back so that later reads trust it.
//
// # Generated data
//
// Generated values honour every constraint the schema states (types and 3.1
// type lists, formats, enum and const, bounds and multipleOf, lengths,
// patterns, array and object sizes, required, additionalProperties, allOf,
// oneOf/anyOf, discriminators, readOnly/writeOnly, recursion) and look real:
// property names such as email, firstName, avatarUrl, createdAt or price
// get matching data. With WithSeed the same request (method, path, query and
// body) always gets a byte-identical response, across instances and
// restarts.
//
// Each resource collection starts with WithSeedRecords records; Generate
// writes more on demand (a Resource is named by its Name), with chosen
// values for some fields, under the same seed.
//
// # Compatibility
//
// For v1, New and its options, Handler's methods, Violation, Rejection,
// Resource, the Action constants, CORS, SessionHeader and the context
// helpers are stable, and so are the wire behaviours documented here: the
// Prefer and __ controls, the problem codes and violation locations of
// package mock/problem, and the determinism of WithSeed for a given
// mockapi version (generated values may change between minor versions;
// examples never do). Options are only added.
package mock
