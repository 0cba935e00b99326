package mockapi

import (
	"net/http"
	"time"
)

// operationDoc is an OperationInfo as the management API shows it.
type operationDoc struct {
	OperationID   string     `json:"operation_id"`
	Method        string     `json:"method"`
	Path          string     `json:"path"`
	Visibility    string     `json:"visibility"`
	CRUDAction    string     `json:"crud_action,omitempty"`
	Resource      string     `json:"resource,omitempty"`
	Requests      int        `json:"requests_count"`
	LastRequestAt *time.Time `json:"last_request_at"`
	AvgMS         float64    `json:"avg_response_time_ms"`
}

// operations answers GET /_admin/projects/{id}/operations: the project's
// inventory, as a JSON array in the description's order.
func (s *Server) operations(w http.ResponseWriter, r *http.Request) {
	ops, err := s.Operations(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	out := make([]operationDoc, 0, len(ops))
	for _, o := range ops {
		d := operationDoc{OperationID: o.ID, Method: o.Method, Path: o.Path, Visibility: string(o.Visibility),
			CRUDAction: string(o.Action), Resource: o.Resource, Requests: o.Requests, AvgMS: millis(o.AvgLatency)}
		if !o.LastRequest.IsZero() {
			t := o.LastRequest
			d.LastRequestAt = &t
		}
		out = append(out, d)
	}
	writeJSON(w, http.StatusOK, out)
}
