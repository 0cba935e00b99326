package mockapi

import (
	"context"
	"time"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/store"
)

// OperationInfo is one operation of a project as its inventory shows it:
// what it is, who may call it, what it does to the mock's data, and how
// it has been called.
type OperationInfo struct {
	// ID is the operationId (or the one the description's loader derived).
	ID string
	// Method is the upper-case HTTP method.
	Method string
	// Path is the path template as requests write it below the project
	// (and as the request log and analytics show it): the first server's
	// base path, then the operation's path ("/v1/pets/{petId}").
	Path string
	// Visibility is who may call it: the project's visibility, unless an
	// operation override or x-mock-visibility says otherwise.
	Visibility store.Visibility
	// Action is what it does to its resource's records; empty when it is
	// answered stateless.
	Action mock.Action
	// Resource is the mock.Resource.Name of the collection it acts on
	// (what GenerateRecords takes); empty when Action is.
	Resource string
	// Requests counts its entries in the request log (which keeps
	// Options.LogRetention and Options.LogMaxEntries of them).
	Requests int
	// LastRequest is the time of its newest entry; zero when it has none.
	LastRequest time.Time
	// AvgLatency is the mean time its answers took.
	AvgLatency time.Duration
}

// Operations lists every operation of a project, in the order of its
// description, with its request counts from the request log (entries still
// queued are written first). An unknown project is ErrNotFound; one whose
// stored version cannot be served, a *ProjectError.
func (s *Server) Operations(ctx context.Context, projectID string) ([]OperationInfo, error) {
	c, err := s.project(ctx, projectID)
	if err != nil {
		return nil, err
	}
	_ = s.rec.FlushContext(ctx)
	counts, err := s.st.RequestLog().Operations(ctx, projectID, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	byOp := make(map[string]store.OperationStats, len(counts))
	for _, o := range counts {
		byOp[o.Operation] = o
	}
	resources := map[string]string{}
	for _, r := range c.mock.Resources() {
		for op := range r.Operations {
			resources[op] = r.Name
		}
	}
	ops := c.doc.Operations()
	out := make([]OperationInfo, 0, len(ops))
	for _, op := range ops {
		st := byOp[op.ID]
		info := OperationInfo{ID: op.ID, Method: op.Method, Path: servedPath(op), Visibility: c.policy.OperationVisibility(op),
			Action: c.mock.Action(op.ID), Requests: st.Count, LastRequest: st.Last, AvgLatency: st.AvgLatency}
		if info.Action != "" {
			info.Resource = resources[op.ID]
		}
		out = append(out, info)
	}
	return out, nil
}
