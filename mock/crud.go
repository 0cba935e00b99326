package mock

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// crudState is what the stateful part of a handler owns. What it keeps in
// memory is per resource (see resource.seeded), never per request value.
type crudState struct {
	records RecordStore
	built   time.Time // records written since are known to be shaped
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
