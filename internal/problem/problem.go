// Package problem writes RFC 9457 problem details (application/problem+json),
// the one error shape every mockapi handler answers with. Its codes and
// locations are those of the public package mock/problem, a leaf that
// imports nothing of the module: this package is the only internal one that
// imports a public package, and only that leaf.
package problem

import (
	"encoding/json"
	"net/http"
	"strconv"

	codes "github.com/mockapi-go/mockapi/mock/problem"
)

// ContentType is the media type of a problem document.
const ContentType = codes.ContentType

// Code is a problem's stable code. The codes are defined, documented and
// exported in package mock/problem; the names below let emitters build
// problems from this one package.
type Code = codes.Code

// Location is where a violation is (Item.In).
type Location = codes.Location

// Codes carried in Problem.Code, as exported by mock/problem.
const (
	CodeNotFound          = codes.CodeNotFound
	CodeMethodNotAllowed  = codes.CodeMethodNotAllowed
	CodeNotAcceptable     = codes.CodeNotAcceptable
	CodeValidation        = codes.CodeValidation
	CodeUnsupportedMedia  = codes.CodeUnsupportedMedia
	CodeAuthRequired      = codes.CodeAuthRequired
	CodeInvalidAPIKey     = codes.CodeInvalidAPIKey
	CodeForbidden         = codes.CodeForbidden
	CodeRateLimited       = codes.CodeRateLimited
	CodeUnavailable       = codes.CodeUnavailable
	CodeUndeclaredStatus  = codes.CodeUndeclaredStatus
	CodeUnknownExample    = codes.CodeUnknownExample
	CodeMockFailure       = codes.CodeMockFailure
	CodeResponseViolation = codes.CodeResponseViolation
	CodeConflict          = codes.CodeConflict
	CodeQuotaExceeded     = codes.CodeQuotaExceeded
)

// Problem is an RFC 9457 problem document with mockapi's extensions.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is a stable machine-readable identifier such as "VALIDATION_ERROR".
	Code Code `json:"code,omitempty"`
	// Errors lists each violation for validation problems.
	Errors []Item `json:"errors,omitempty"`
	// Extra carries problem-specific members (for example "declared").
	Extra map[string]any `json:"-"`
}

// Item is one violation: where (in + name, or a JSON pointer) and what.
type Item struct {
	In      Location `json:"in,omitempty"`      // path, query, header, cookie, body
	Name    string   `json:"name,omitempty"`    // parameter name
	Pointer string   `json:"pointer,omitempty"` // JSON pointer into the body
	Message string   `json:"message"`
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
func New(status int, code Code, detail string) Problem {
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
