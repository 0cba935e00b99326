// Package importer derives an OpenAPI 3.1 description from recorded HTTP
// traffic: a HAR 1.2 file (what browsers' developer tools and proxies
// save), a Postman collection v2.1, or a file of curl commands. The
// description loads with openapi.Parse without a warning, and the mock
// serves it:
//
//	r, err := importer.Import(data, importer.Options{})
//	doc, err := openapi.Parse(ctx, r.YAML())
//	h, err := mock.New(doc)
//
// # What is derived
//
//   - Paths: a segment that looks like an id (a number, a UUID, 16 or more
//     hex digits, a prefixed id such as cus_9s6XKzkNRiz8i3, 24 or more
//     random characters, a JWT, whose value is never an example) becomes a
//     parameter named after the segment before it (/users/42 is
//     /users/{userId}); Postman's :name and {{name}} segments keep their
//     names (and the values of the request's url.variable as examples), and
//     the path of a {{baseUrl}} variable is the server's base path. Requests
//     of one method on one templated path are one operation.
//   - Parameters: every query parameter and every header that is not
//     transport, negotiation or a credential, required when every request
//     of the operation sent it, typed from the values sent (integer,
//     number, boolean, string with a format).
//   - Bodies: JSON request and response bodies get a schema inferred from
//     every body seen (the types seen, type lists with "null", properties
//     present in every object required, formats date-time, date, uuid,
//     email, uri, ipv4 and ipv6 where every value has one); form bodies a
//     schema of their fields. A request body's first value is its example.
//   - Responses: one per status recorded, with its media types. Each
//     distinct answer (up to 5 per status and media type) is an example:
//     one answer is the example, several are named examples, named as
//     Postman saved them or recorded-1, recorded-2..., which a client picks
//     with Prefer: example=name (the mock answers the first name in
//     alphabetical order otherwise). An operation without a recorded answer
//     (curl, a Postman request without a saved response) answers 200
//     without a body.
//   - Security: Authorization Bearer or Basic, and headers named like keys
//     (X-API-Key), sent by every request of an operation, become its
//     security requirement.
//
// What a browser loads besides API calls (pages, scripts, styles,
// images, fonts: by the HAR entry's _resourceType, where Chrome and Edge
// write one, by the URL's extension or by the answer's media type), CORS
// preflights, methods OpenAPI has no place for and non-HTTP URLs are
// skipped (Result.Skipped counts them).
//
//   - Servers: each origin recorded (at most 10).
//
// # Credentials stay out
//
// Values of Authorization, Cookie and Set-Cookie, of headers named like
// keys or sent by Postman's auth (which become security schemes), of curl
// -u, and of every body field, query parameter or form field named like a
// secret (password, token, api_key, secret, session, ...) are never
// copied: such a field's example value is Redacted (or 0, or false), and
// its schema states its type only.
//
// # Hostile input
//
// Input is bounded (MaxInputSize, MaxExchanges, MaxBodySize,
// MaxExampleSize, MaxExamplesSize; depth, properties and folders too), malformed entries
// are skipped rather than fatal, and nothing panics (FuzzImport).
//
// # Compatibility
//
// For v1, Import, Detect, Options, Result and its methods, the Format
// constants, the errors and the bounds keep their meaning. The derived
// description itself may get better between minor versions (another
// format recognised, a better name): keep what mockserver import wrote
// rather than expect the same bytes from a later version.
package importer
