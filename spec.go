package mockapi

import (
	"context"

	"github.com/mockapi-go/mockapi/openapi"
)

// Spec returns a project's stored description as it was given, and its
// format: "yaml" or "json". An unknown project is ErrNotFound.
func (s *Server) Spec(ctx context.Context, id string) (spec []byte, format string, err error) {
	p, err := s.st.Projects().Get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	format = p.SpecFormat
	if format != "json" && format != "yaml" {
		format = specFormat(p.Spec)
	}
	return p.Spec, format, nil
}

// Warnings returns what loading and compiling a project's current
// description tolerated: the loader's repairs and validation findings
// (openapi.Document.Warnings), then the mock's (mock.Handler.Warnings),
// such as examples that contradict their schema. Each has the JSON
// pointer of the value concerned where one is known, and its line in the
// stored description where the pointer resolves: lines the loader did not
// give are found by reading the description again (left 0 when the
// project changed meanwhile). An unknown project is
// ErrNotFound; a version that cannot be served is a *ProjectError.
func (s *Server) Warnings(ctx context.Context, id string) ([]openapi.Warning, error) {
	c, err := s.project(ctx, id)
	if err != nil {
		return nil, err
	}
	out := append(c.doc.Warnings(), c.mock.Warnings()...)
	var missing []string
	var at []int
	for i, w := range out {
		if w.Line == 0 && w.Pointer != "" {
			missing = append(missing, w.Pointer)
			at = append(at, i)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	p, err := s.st.Projects().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Version != c.project.Version {
		return out, nil // changed meanwhile: its lines may not be these
	}
	for j, line := range openapi.Lines(p.Spec, missing) {
		out[at[j]].Line = line
	}
	return out, nil
}
