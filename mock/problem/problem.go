// Package problem names what mockapi's error answers say to a machine: the
// stable code of every RFC 9457 problem document (application/problem+json)
// that the mock, the guard, share links and the Server send, and the
// locations their violations are reported in.
//
// Compare a problem's "code" member, or mock.Rejection.Code, with these
// constants rather than with string literals:
//
//	var p struct{ Code problem.Code `json:"code"` }
//	_ = json.NewDecoder(resp.Body).Decode(&p)
//	if p.Code == problem.CodeRateLimited { ... }
//
// The package imports nothing from the rest of the module, so every part
// of it (mock, auth, share, the Server) can import it, and so can a
// client that only reads mockapi's answers.
//
// # Compatibility
//
// The values of Code and Location constants are part of the wire format
// and will not change in v1. New codes and locations may be added; a
// client should treat an unknown code like the HTTP status it came with.
package problem

// ContentType is the media type of a problem document.
const ContentType = "application/problem+json"

// Code is the stable machine-readable identifier of a problem, its "code"
// member: one per kind of refusal, the same from every part of mockapi.
type Code string

// Codes of the problems mockapi answers with.
const (
	// CodeNotFound: no operation, resource, link or project at this
	// address (404).
	CodeNotFound Code = "NOT_FOUND"
	// CodeMethodNotAllowed: the path exists, not with this method (405,
	// with Allow).
	CodeMethodNotAllowed Code = "METHOD_NOT_ALLOWED"
	// CodeNotAcceptable: no declared media type fits Accept (406).
	CodeNotAcceptable Code = "NOT_ACCEPTABLE"
	// CodeValidation: the request breaks the description (400 for
	// parameters, 422 for the body, 413 for a body too large); errors
	// lists each violation.
	CodeValidation Code = "VALIDATION_ERROR"
	// CodeUnsupportedMedia: the request body's content type is not
	// declared (415).
	CodeUnsupportedMedia Code = "UNSUPPORTED_MEDIA_TYPE"
	// CodeAuthRequired: the operation needs credentials and the request
	// carries none, or none that count (401, with WWW-Authenticate).
	CodeAuthRequired Code = "AUTHENTICATION_REQUIRED"
	// CodeInvalidAPIKey: the API key is malformed, unknown, revoked,
	// deactivated or expired (401).
	CodeInvalidAPIKey Code = "INVALID_API_KEY"
	// CodeForbidden: the caller is known but may not use this project or
	// operation (403).
	CodeForbidden Code = "FORBIDDEN"
	// CodeRateLimited: too many requests (429, with Retry-After).
	CodeRateLimited Code = "RATE_LIMITED"
	// CodeUnavailable: a store or dependency is busy or unreachable; retry
	// later (503).
	CodeUnavailable Code = "SERVICE_UNAVAILABLE"
	// CodeUndeclaredStatus: Prefer: code= asked for a status the operation
	// does not declare (404).
	CodeUndeclaredStatus Code = "UNDECLARED_STATUS"
	// CodeUnknownExample: Prefer: example= named an example the response
	// does not have (404).
	CodeUnknownExample Code = "UNKNOWN_EXAMPLE"
	// CodeMockFailure: the mock could not build an answer (500).
	CodeMockFailure Code = "MOCK_FAILURE"
	// CodeResponseViolation: with self-checking on, the answer the mock
	// built breaks the description (500).
	CodeResponseViolation Code = "RESPONSE_VIOLATES_SPEC"
	// CodeConflict: the write conflicts with the stored state (409).
	CodeConflict Code = "CONFLICT"
	// CodeQuotaExceeded: a project's or user's quota (requests per day or
	// month, projects per user) is used up (429, with Retry-After when it
	// resets, and the limit named in the problem's "limit" member).
	CodeQuotaExceeded Code = "QUOTA_EXCEEDED"
)

// Location says where in a request (or a response) a violation is: the
// "in" member of a problem's errors, and mock.Violation.In.
type Location string

// Locations of violations.
const (
	InPath   Location = "path"   // a path parameter
	InQuery  Location = "query"  // a query parameter
	InHeader Location = "header" // a header (Name says which)
	InCookie Location = "cookie" // a cookie parameter
	InBody   Location = "body"   // the body (Pointer says where in it)
	InStatus Location = "status" // the response status
	InRoute  Location = "route"  // the method and path: no such operation
)
