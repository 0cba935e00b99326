package proxy

import (
	"net/http"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// A Recorder keeps upstream answers.
type Recorder struct{}

func (rec *Recorder) add(h *mock.Handler, op *openapi.Operation, r *http.Request, body []byte, res *result, vs []mock.Violation) {
}
