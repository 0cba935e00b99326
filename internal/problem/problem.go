// Package problem writes RFC 9457 problem details (application/problem+json),
// the one error shape every mockapi handler answers with.
package problem

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ContentType is the media type of a problem document.
const ContentType = "application/problem+json"

// Stable machine-readable codes carried in Problem.Code.
const (
	CodeNotFound          = "NOT_FOUND"
	CodeMethodNotAllowed  = "METHOD_NOT_ALLOWED"
	CodeNotAcceptable     = "NOT_ACCEPTABLE"
	CodeValidation        = "VALIDATION_ERROR"
	CodeUnsupportedMedia  = "UNSUPPORTED_MEDIA_TYPE"
	CodeAuthRequired      = "AUTHENTICATION_REQUIRED"
	CodeInvalidAPIKey     = "INVALID_API_KEY"
	CodeForbidden         = "FORBIDDEN"
	CodeRateLimited       = "RATE_LIMITED"
	CodeUnavailable       = "SERVICE_UNAVAILABLE"
	CodeUndeclaredStatus  = "UNDECLARED_STATUS"
	CodeUnknownExample    = "UNKNOWN_EXAMPLE"
	CodeMockFailure       = "MOCK_FAILURE"
	CodeResponseViolation = "RESPONSE_VIOLATES_SPEC"
)

// Problem is an RFC 9457 problem document with mockapi's extensions.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is a stable machine-readable identifier such as "VALIDATION_ERROR".
	Code string `json:"code,omitempty"`
	// Errors lists each violation for validation problems.
	Errors []Item `json:"errors,omitempty"`
	// Extra carries problem-specific members (for example "declared").
	Extra map[string]any `json:"-"`
}

// Item is one violation: where (in + name, or a JSON pointer) and what.
type Item struct {
	In      string `json:"in,omitempty"`      // path, query, header, cookie, body
	Name    string `json:"name,omitempty"`    // parameter name
	Pointer string `json:"pointer,omitempty"` // JSON pointer into the body
	Message string `json:"message"`
}

// MarshalJSON merges Extra into the document.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	b, err := json.Marshal(plain(p))
	if err != nil || len(p.Extra) == 0 {
		return b, err
	}
	extra, err := json.Marshal(p.Extra)
	if err != nil {
		return nil, err
	}
	if len(extra) <= 2 {
		return b, nil
	}
	out := make([]byte, 0, len(b)+len(extra))
	out = append(out, b[:len(b)-1]...)
	out = append(out, ',')
	return append(out, extra[1:]...), nil
}

// New returns a problem with the standard title for status and type
// "about:blank".
func New(status int, code, detail string) Problem {
	return Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code, Detail: detail}
}

// Write sends p with its status.
func Write(w http.ResponseWriter, p Problem) {
	body, err := json.Marshal(p)
	if err != nil {
		body = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}
