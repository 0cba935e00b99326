package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
)

// stateProblem answers an error of the stateful mock: with the
// operation's own response for the status when it declares one with a body
// other than problem+json, else with a problem document.
func (h *Handler) stateProblem(w http.ResponseWriter, r *http.Request, p *opPlan, pr problem.Problem) {
	sp := p.declaredFor(pr.Status)
	var declared *mediaPlan
	if sp != nil {
		if i := slices.IndexFunc(sp.media, func(mp *mediaPlan) bool { return strings.HasSuffix(mp.sub, "problem+json") }); i >= 0 {
			declared = sp.media[i]
		}
	}
	switch {
	case sp == nil:
		problem.Write(w, pr)
	case declared != nil && (declared.schema == nil || h.validFor(declared.schema, problemValue(pr))):
		problem.Write(w, pr)
	case len(sp.media) == 0:
		w.WriteHeader(pr.Status) // the response declares no body
	default:
		h.respondWith(w, r, p, sp, pr.Status, controls{}, nil)
	}
}

// problemValue is a problem document as decoded JSON.
func problemValue(pr problem.Problem) any {
	var v any
	if b, err := json.Marshal(pr); err == nil {
		_ = json.Unmarshal(b, &v)
	}
	return v
}

// notFound answers a request for a resource that does not exist: 404 when
// the operation declares it (or a 4XX or default response). An operation
// that cannot say "not found" is answered as a stateless mock would, so the
// answer never contradicts the description.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request, p *opPlan, ctl controls, body []byte, id string) {
	if p.declaredFor(http.StatusNotFound) == nil {
		h.respond(w, r, p, ctl, body)
		return
	}
	h.stateProblem(w, r, p, problem.New(http.StatusNotFound, problem.CodeNotFound,
		fmt.Sprintf("no resource with id %q", displayID(id))))
}

// respondRecord answers with a stored resource, shaped to the chosen
// response's schema.
func (h *Handler) respondRecord(w http.ResponseWriter, r *http.Request, p *opPlan, res *resource, sp *statusPlan, status int, rec *store.Record, data map[string]any, faker func() *gofakeit.Faker) {
	trusted := h.trusted(rec)
	if data == nil && trusted && sp != nil && isJSONObject(rec.Data) {
		// Written since this handler was built, so shaped to the item
		// schema then: as JSON it goes out as stored.
		if mp := negotiate(r.Header.Get("Accept"), sp.media); mp != nil && mp.kind == renderJSON && mp.schema == res.item {
			h.respondValue(w, r, p, sp, status, faker, func(*openapi3.Schema) (any, bool) {
				return json.RawMessage(rec.Data), true
			})
			return
		}
	}
	if data == nil {
		if err := json.Unmarshal(rec.Data, &data); err != nil {
			h.storeFailed(w, r, err)
			return
		}
	}
	h.respondValue(w, r, p, sp, status, faker, func(s *openapi3.Schema) (any, bool) {
		return h.fit(s, res, data, trusted, faker)
	})
}

// respondValue answers with a value made for the negotiated media type's
// schema; when value cannot make one, it answers as a stateless mock.
func (h *Handler) respondValue(w http.ResponseWriter, r *http.Request, p *opPlan, sp *statusPlan, status int, faker func() *gofakeit.Faker, value func(*openapi3.Schema) (any, bool)) {
	if sp == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	if status == 0 {
		status = statusOf(sp, http.StatusOK)
	}
	mp := negotiate(r.Header.Get("Accept"), sp.media)
	if mp == nil || mp.kind == renderBinary {
		h.respondWith(w, r, p, sp, status, controls{}, nil)
		return
	}
	v, ok := value(mp.schema)
	if !ok {
		h.respondWith(w, r, p, sp, status, controls{}, nil)
		return
	}
	out, err := render(mp, v, nil)
	if err != nil {
		h.internalError(w, r, "the mock could not encode the answer", err)
		return
	}
	if h.cfg.selfCheck {
		if pr := h.selfCheck(r, p, status, mp, out); pr != nil {
			problem.Write(w, *pr)
			return
		}
	}
	hdr := w.Header()
	for _, hp := range sp.headers {
		if hdr.Get(hp.name) != "" {
			continue
		}
		if v, ok := h.headerValue(hp, faker()); ok {
			hdr.Set(hp.name, v)
		}
	}
	hdr["Content-Type"] = mp.ctHeader
	hdr["Content-Length"] = []string{strconv.Itoa(len(out))}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(out)
	}
}
