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
// URLs the mock writes (Location, Link, envelope links) point inside
// wherever it is mounted: under http.StripPrefix, the mount is told from
// the request's RequestURI, which StripPrefix leaves as the client sent it.
//
// # Examples are checked, not trusted
//
// Real descriptions carry examples that contradict their own schema. Each
// example is validated once, when the handler is built; one that does not
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
