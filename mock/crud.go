package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/ratelog"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// SessionHeader carries a visitor session: requests with the same value see
// each other's writes, and nobody else does.
const SessionHeader = "X-Mock-Session"

// crudState is what the stateful part of a handler owns. What it keeps in
// memory is per resource (see resource.seeded), never per request value.
type crudState struct {
	records RecordStore
	built   time.Time // records written since are known to be shaped
}

// session returns the visitor session of the request: pinned in the
// context, sent in the X-Mock-Session header or the session cookie, or a
// new cookie session when the handler hands them out.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) string {
	if s := h.existingSession(r); s != "" {
		return s
	}
	if name := h.cfg.sessionCookie; name != "" {
		id := secret.New("")
		http.SetCookie(w, &http.Cookie{Name: name, Value: id, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return id
	}
	return ""
}

// cleanSession keeps short printable session ids and hashes the rest, so a
// hostile header cannot become a huge or odd store key.
func cleanSession(s string) string {
	if len(s) <= 128 && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return s
	}
	return secret.Hash(s)
}

// errNoParent says that a nested collection's parent resource does not
// exist.
var errNoParent = errors.New("mock: no such parent resource")

// collection returns the store collection of a request: the collection
// template with the parent parameters' values filled in. A parent that is
// itself a resource of the handler is written by its canonical id ("7" for
// "007") and must exist in the scope: otherwise collection returns the
// parent's raw id and errNoParent, and nothing is stored for it.
func (h *Handler) collection(ctx context.Context, scope store.Scope, cp *crudPlan, m openapi.Match) (string, string, error) {
	res := cp.res
	if !res.nested {
		return res.key, "", nil
	}
	var b strings.Builder
	i := 0
	for seg := range strings.SplitSeq(strings.TrimPrefix(res.key, "/"), "/") {
		if seg != "{}" || i >= len(cp.parents) {
			b.WriteByte('/')
			b.WriteString(seg)
			continue
		}
		v, _ := m.Param(cp.parents[i])
		anc := res.ancestors[i]
		i++
		if anc == nil {
			b.WriteByte('/')
			b.WriteString(url.PathEscape(v))
			continue
		}
		id, idv, ok := canonicalID(anc.idKind, v)
		if !ok {
			return "", v, errNoParent
		}
		if _, err := h.state.records.Get(ctx, scope, b.String(), id); errors.Is(err, store.ErrNotFound) {
			return "", v, errNoParent
		} else if err != nil {
			return "", v, err
		}
		b.WriteByte('/')
		b.WriteString(url.PathEscape(scalarString(idv)))
	}
	return b.String(), "", nil
}

func (h *Handler) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrInvalid) {
		problem.Write(w, problem.New(http.StatusBadRequest, problem.CodeValidation, err.Error()))
		return
	}
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		// Busy or unreachable: the client may retry; the cause is for
		// the operator's log, unless the client went away (the store
		// call ended with its request).
		if r.Context().Err() == nil {
			h.logFailure(r, "the mock's store is unavailable", err)
		}
		w.Header().Set("Retry-After", "1")
		problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "the mock's store is busy; retry shortly"))
		return
	}
	// The store's own words (a database's error text) are for the
	// operator's log, never for the client (security L4).
	h.internalError(w, r, "the mock's store failed", err)
}

// internalError answers 500 with a fixed message and logs the cause, when
// the handler has a logger.
func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, msg string, err error) {
	h.logFailure(r, msg, err)
	problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, msg))
}

// failureLog holds back repeated failures per logger and message: a store
// that fails every request under load is logged once per burst, with the
// number of failures held back since the last line.
var failureLog ratelog.Limiter[failureKey]

type failureKey struct {
	logger *slog.Logger
	msg    string
}

func (h *Handler) logFailure(r *http.Request, msg string, err error) {
	l := h.cfg.logger
	if l == nil {
		return
	}
	ok, held := failureLog.Allow(failureKey{l, msg}, time.Now())
	if !ok {
		return
	}
	attrs := []slog.Attr{slog.String("error", err.Error())}
	if held > 0 {
		attrs = append(attrs, slog.Int("suppressed", held))
	}
	l.LogAttrs(r.Context(), slog.LevelError, "mock: "+msg, attrs...)
}

// serveCRUD answers a stateful operation from the store.
func (h *Handler) serveCRUD(w http.ResponseWriter, r *http.Request, p *opPlan, cp *crudPlan, m openapi.Match, ctl controls, body []byte) {
	ctx := r.Context()
	res := cp.res
	scope := store.Scope{Project: h.cfg.project, Session: h.session(w, r)}
	if err := h.ensureSeeded(ctx, res); err != nil {
		h.storeFailed(w, r, err)
		return
	}
	coll, parent, err := h.collection(ctx, scope, cp, m)
	switch {
	case errors.Is(err, errNoParent):
		h.notFound(w, r, p, ctl, body, parent)
		return
	case err != nil:
		h.storeFailed(w, r, err)
		return
	}
	var f *gofakeit.Faker
	faker := func() *gofakeit.Faker {
		if f == nil {
			f = h.faker(r, body, 0)
		}
		return f
	}
	var id string
	if itemActions[cp.action] {
		raw, _ := m.Param(cp.itemParam)
		var ok bool
		if id, _, ok = canonicalID(res.idKind, raw); !ok {
			h.notFound(w, r, p, ctl, body, raw)
			return
		}
	}
	switch cp.action {
	case ActionList:
		h.crudList(w, r, p, cp, scope, coll, faker)
	case ActionGet:
		rec, err := h.state.records.Get(ctx, scope, coll, id)
		if err != nil {
			h.recordErr(w, r, p, ctl, body, id, err)
			return
		}
		rec = h.reshapeStored(ctx, scope, coll, res, rec, faker)
		h.respondRecord(w, r, p, res, p.primary, 0, rec, nil, faker)
	case ActionCreate:
		h.crudCreate(w, r, p, cp, scope, coll, ctl, body, faker)
	case ActionReplace:
		h.crudReplace(w, r, p, cp, scope, coll, id, ctl, body, faker)
	case ActionPatch:
		h.crudPatch(w, r, p, cp, scope, coll, id, ctl, body, faker)
	case ActionDelete:
		var old *store.Record
		if sp := p.primary; sp != nil && len(sp.media) > 0 {
			rec, err := h.state.records.Get(ctx, scope, coll, id)
			if err != nil {
				h.recordErr(w, r, p, ctl, body, id, err)
				return
			}
			old = rec
		}
		if err := h.state.records.Delete(ctx, scope, coll, id); err != nil {
			h.recordErr(w, r, p, ctl, body, id, err)
			return
		}
		if old == nil {
			w.WriteHeader(statusOf(p.primary, http.StatusNoContent))
			return
		}
		h.respondRecord(w, r, p, res, p.primary, 0, old, nil, faker)
	}
}

func statusOf(sp *statusPlan, fallback int) int {
	if sp == nil || sp.code == 0 {
		return fallback
	}
	return sp.code
}

func (h *Handler) recordErr(w http.ResponseWriter, r *http.Request, p *opPlan, ctl controls, body []byte, id string, err error) {
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r, p, ctl, body, id)
		return
	}
	h.storeFailed(w, r, err)
}

// declaredFor returns the response the operation declares for a status:
// the exact code, else its range (4XX), else default.
func (p *opPlan) declaredFor(status int) *statusPlan {
	if sp := p.byCode[status]; sp != nil {
		return sp
	}
	if sp := p.byRange[status/100]; sp != nil {
		return sp
	}
	return p.def
}

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
