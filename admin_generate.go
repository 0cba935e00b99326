package mockapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/mock"
)

// generatedDoc is the answer of the generate endpoint.
type generatedDoc struct {
	Resource string            `json:"resource"`
	Count    int               `json:"count"`
	Preview  []json.RawMessage `json:"preview"`
}

// generate answers POST /_admin/projects/{id}/resources/{resource}/generate
// with {"count": 50, "fields": {...}, "replace": false}.
func (s *Server) generate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Count   *int           `json:"count"`
		Fields  map[string]any `json:"fields"`
		Replace bool           `json:"replace"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Count == nil {
		unprocessable(w, fmt.Sprintf("count: is required (1..%d)", mock.MaxGenerate))
		return
	}
	g, err := s.GenerateRecords(r.Context(), r.PathValue("id"), r.PathValue("resource"),
		GenerateOptions{Count: *in.Count, Fields: in.Fields, Replace: in.Replace})
	var fe *mock.FieldError
	switch {
	case errors.As(err, &fe):
		// The field's pointer in the request body, for a client to show
		// the error next to the field.
		p := problem.New(http.StatusUnprocessableEntity, problem.CodeValidation, "fields."+fe.Field+": "+fe.Reason)
		p.Errors = []problem.Item{{In: "body", Pointer: "/fields/" + escapePointer(fe.Field), Message: fe.Reason}}
		problem.Write(w, p)
		return
	case err != nil:
		s.apiError(w, "resource", err)
		return
	}
	out := generatedDoc{Resource: g.Resource, Count: g.Count, Preview: g.Preview}
	if out.Preview == nil {
		out.Preview = []json.RawMessage{}
	}
	writeJSON(w, http.StatusCreated, out)
}

// escapePointer escapes a JSON pointer token (RFC 6901).
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
