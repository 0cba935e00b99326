package mock

// The stateful writes: create, replace and patch.

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/mockapi-go/mockapi/internal/mergepatch"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
)

// decodeObject decodes a request body that is a JSON object.
func decodeObject(body []byte) (map[string]any, bool) {
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

func (h *Handler) crudCreate(w http.ResponseWriter, r *http.Request, p *opPlan, cp *crudPlan, scope store.Scope, coll string, ctl controls, body []byte, faker func() *gofakeit.Faker) {
	res := cp.res
	obj, ok := decodeObject(body)
	if !ok {
		h.respond(w, r, p, ctl, body) // not a JSON object: nothing to store
		return
	}
	var id string
	var idv any
	given := false
	// A client may choose the id unless the description makes it read-only.
	if res.IDField != "" && (res.idSchema == nil || !res.idSchema.ReadOnly) {
		if v, has := obj[res.IDField]; has && v != nil {
			id, idv, given = canonicalID(res.idKind, v)
		}
	}
	var rec *store.Record
	var data map[string]any
	for attempt := 0; ; attempt++ {
		if !given {
			var err error
			if id, idv, err = h.nextID(r.Context(), res, scope, coll, attempt); err != nil {
				h.storeFailed(w, r, err)
				return
			}
		}
		data = h.newResource(res, coll, obj, nil, idv, faker)
		raw, err := json.Marshal(data)
		if err != nil {
			h.storeFailed(w, r, err)
			return
		}
		rec, err = h.state.records.Create(r.Context(), scope, coll, id, raw)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrConflict) {
			h.storeFailed(w, r, err)
			return
		}
		if attempt >= 8 {
			// Every id the schema allows is taken (an enum, say): answer
			// as a stateless mock rather than fail.
			h.respond(w, r, p, ctl, body)
			return
		}
		if given {
			// A duplicate id is a conflict when the operation can say so;
			// otherwise the resource gets an id of the server's choosing.
			if p.declaredFor(http.StatusConflict) != nil {
				h.stateProblem(w, r, p, problem.New(http.StatusConflict, problem.CodeConflict,
					fmt.Sprintf("a resource with id %q already exists", id)))
				return
			}
			given = false
			delete(obj, res.IDField)
		}
	}
	sp, status := p.byCode[http.StatusCreated], http.StatusCreated
	if sp == nil {
		sp, status = p.primary, 0
	}
	if res.Item != "" {
		w.Header().Set("Location", strings.TrimSuffix(mountedPath(r), "/")+"/"+url.PathEscape(scalarString(idv)))
	}
	h.respondRecord(w, r, p, res, sp, status, rec, data, faker)
}

func (h *Handler) crudReplace(w http.ResponseWriter, r *http.Request, p *opPlan, cp *crudPlan, scope store.Scope, coll, id string, ctl controls, body []byte, faker func() *gofakeit.Faker) {
	res := cp.res
	obj, ok := decodeObject(body)
	if !ok {
		h.respond(w, r, p, ctl, body)
		return
	}
	_, idv, _ := canonicalID(res.idKind, id)
	ctx := r.Context()
	old, err := h.state.records.Get(ctx, scope, coll, id)
	switch {
	case errors.Is(err, store.ErrNotFound) && p.byCode[http.StatusCreated] != nil:
		data := h.newResource(res, coll, obj, nil, idv, faker)
		raw, _ := json.Marshal(data)
		rec, err := h.state.records.Create(ctx, scope, coll, id, raw)
		if err != nil {
			h.recordErr(w, r, p, ctl, body, id, err)
			return
		}
		h.respondRecord(w, r, p, res, p.byCode[http.StatusCreated], http.StatusCreated, rec, data, faker)
		return
	case err != nil:
		h.recordErr(w, r, p, ctl, body, id, err)
		return
	}
	var prev map[string]any
	_ = json.Unmarshal(old.Data, &prev)
	// A replacement keeps what the client may not set (read-only fields).
	kept := map[string]any{}
	for name, ps := range res.props {
		if v, ok := prev[name]; ok && ps.ReadOnly {
			kept[name] = v
		}
	}
	data := h.newResource(res, coll, obj, kept, idv, faker)
	raw, _ := json.Marshal(data)
	rec, err := h.state.records.Replace(ctx, scope, coll, id, raw)
	if err != nil {
		h.recordErr(w, r, p, ctl, body, id, err)
		return
	}
	h.respondRecord(w, r, p, res, p.primary, 0, rec, data, faker)
}

func (h *Handler) crudPatch(w http.ResponseWriter, r *http.Request, p *opPlan, cp *crudPlan, scope store.Scope, coll, id string, ctl controls, body []byte, faker func() *gofakeit.Faker) {
	res := cp.res
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	jsonPatch := mt == "application/json-patch+json"
	var merge map[string]any
	if !jsonPatch {
		obj, ok := decodeObject(body)
		if !ok {
			h.respond(w, r, p, ctl, body)
			return
		}
		delete(obj, res.IDField) // ids do not change
		h.stampTimes(res.props, obj, false)
		merge = obj
	}
	var data map[string]any
	// The patch is applied under the record's lock, so concurrent patches
	// of one record never lose each other's changes.
	rec, err := h.state.records.Update(r.Context(), scope, coll, id, func(old json.RawMessage) (json.RawMessage, error) {
		var doc map[string]any
		if err := json.Unmarshal(old, &doc); err != nil {
			return nil, err
		}
		limit := patchLimit(len(old), len(body))
		var obj map[string]any
		if jsonPatch {
			patched, err := applyJSONPatch(doc, body, limit)
			if err != nil {
				return nil, err
			}
			var ok bool
			if obj, ok = patched.(map[string]any); !ok {
				return nil, patchErrorf("the patched resource is not a JSON object")
			}
			if v, has := doc[res.IDField]; has && res.IDField != "" {
				obj[res.IDField] = v // ids do not change
			}
			h.stampTimes(res.props, obj, false)
		} else {
			raw, _ := json.Marshal(merge)
			merged, err := mergepatch.Apply(old, raw)
			if err != nil {
				return nil, err
			}
			if len(merged) > limit {
				return nil, patchErrorf("the patched resource would be larger than %d bytes", limit)
			}
			if err := json.Unmarshal(merged, &obj); err != nil {
				return nil, err
			}
		}
		// A patch may leave the resource invalid (a required field removed):
		// store what the mock will answer from now on.
		if shaped, ok := h.shape(res.item, obj, faker, false, res.IDField).(map[string]any); ok {
			obj = shaped
		}
		out, err := json.Marshal(obj)
		if err != nil {
			return nil, err
		}
		if len(out) > limit {
			return nil, patchErrorf("the patched resource would be larger than %d bytes", limit)
		}
		data = obj
		return out, nil
	})
	var pe *patchError
	switch {
	case errors.As(err, &pe):
		status := http.StatusUnprocessableEntity
		if pe.conflict {
			status = http.StatusConflict
		}
		h.refuse(w, r, p, ctl, body, problem.New(status, problem.CodeValidation, pe.Error()))
		return
	case err != nil:
		h.recordErr(w, r, p, ctl, body, id, err)
		return
	}
	h.respondRecord(w, r, p, res, p.primary, 0, rec, data, faker)
}

// refuse answers a request the stateful mock will not carry out, with the
// problem when the operation declares its status (or a range or default
// response), else as a stateless mock would, storing nothing: the answer
// never has a status the description does not declare.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, p *opPlan, ctl controls, body []byte, pr problem.Problem) {
	if p.declaredFor(pr.Status) == nil {
		h.respond(w, r, p, ctl, body)
		return
	}
	h.stateProblem(w, r, p, pr)
}
