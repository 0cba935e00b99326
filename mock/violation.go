package mock

import (
	"fmt"
	"strings"

	"github.com/mockapi-go/mockapi/mock/problem"
)

// Violation is one way a request or a response breaks the API description,
// located the way the handler's problem documents locate it.
type Violation struct {
	// In is where the violation is: problem.InPath, InQuery, InHeader,
	// InCookie, InBody, InStatus or InRoute; "" when unknown.
	In problem.Location
	// Name is the parameter or header concerned, if any.
	Name string
	// Pointer is the JSON pointer into the body, if any.
	Pointer string
	// Schema is where in the description the rule that failed is written
	// ("paths./pets/{id}.get.responses.200.content.application/json.schema"),
	// for response violations; "" otherwise.
	Schema string
	// Message says what is wrong.
	Message string
}

// String is "body /name: value must be a string" style.
func (v Violation) String() string {
	var b strings.Builder
	b.WriteString(string(v.In))
	if v.Name != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.Name)
	}
	if v.Pointer != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.Pointer)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(v.Message)
	if v.Schema != "" {
		b.WriteString(" (at ")
		b.WriteString(v.Schema)
		b.WriteByte(')')
	}
	return b.String()
}

// Rejection is how the handler answers a request that breaks the API
// description: the status and code of its problem document and every
// violation it lists.
type Rejection struct {
	Status     int          // 400, 401, 404, 405, 413, 415 or 422
	Code       problem.Code // the problem's stable code, problem.CodeValidation style
	Detail     string
	Violations []Violation
}

// Error is "422 VALIDATION_ERROR: ...; body /name: ...".
func (r *Rejection) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s: %s", r.Status, r.Code, r.Detail)
	for _, v := range r.Violations {
		b.WriteString("; ")
		b.WriteString(v.String())
	}
	return b.String()
}
