package mockapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/mockapi-go/mockapi/mock"
)

// GenerateOptions say what GenerateRecords writes: Count records (at most
// mock.MaxGenerate per call), Fields drawn from a list or set as given,
// and whether they Replace the collection's records.
type GenerateOptions = mock.GenerateOptions

// Generated is what GenerateRecords wrote: the resource's name, the count,
// and a preview of the first records.
type Generated = mock.Generated

// GenerateRecords writes generated records into the shared data of a
// project's resource collection (what every caller without a session
// sees), named as Operations and mock.Resource.Name name it ("pets"), or
// by its collection path template ("/pets"). Values come from the
// resource's schema and are deterministic under the mock's seed
// (mock.WithSeed in Options.MockOptions); Fields override them. A reset of
// the project (ResetProject) restores the seed records and drops generated
// ones.
//
// An unknown project or resource is ErrNotFound. Options the Server
// refuses are a *ValidationError whose Field is "count", "resource" or
// "fields.<name>"; for a field value its Err is the *mock.FieldError.
// Nothing is written then.
func (s *Server) GenerateRecords(ctx context.Context, projectID, resource string, o GenerateOptions) (*Generated, error) {
	h, err := s.Mock(ctx, projectID)
	if err != nil {
		return nil, err
	}
	g, err := h.Generate(ctx, resource, o)
	var fe *mock.FieldError
	var ge *mock.GenerateError
	switch {
	case err == nil:
		return g, nil
	case errors.Is(err, mock.ErrNoResource):
		return nil, fmt.Errorf("%w: project %s has no resource %q; GET .../operations lists its resources", ErrNotFound, projectID, resource)
	case errors.As(err, &fe):
		return nil, invalidf("fields."+fe.Field, fe, "%s", fe.Reason)
	case errors.As(err, &ge):
		return nil, invalidf(ge.Option, ge, "%s", ge.Reason)
	}
	return g, err
}
