package mock

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// seedMarkers is the collection that records which collections have been
// seeded, so that seed data is written once per store, not once per start.
const seedMarkers = "__mockapi_seeded"

// SessionHeader carries a visitor session: requests with the same value see
// each other's writes, and nobody else does.
const SessionHeader = "X-Mock-Session"

// crudState is what the stateful part of a handler owns. What it keeps in
// memory is per resource (see resource.seeded), never per request value.
type crudState struct {
	records store.Records
	built   time.Time // records written since are known to be shaped
}

// session returns the visitor session of the request: pinned in the
// context, sent in the X-Mock-Session header or the session cookie, or a
// new cookie session when the handler hands them out.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) string {
	if s, ok := SessionFrom(r.Context()); ok {
		return cleanSession(s)
	}
	if s := r.Header.Get(SessionHeader); s != "" {
		return cleanSession(s)
	}
	if name := h.cfg.sessionCookie; name != "" {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return cleanSession(c.Value)
		}
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

// canonicalID turns an id from a path or a body into the store id and the
// value the id property holds.
func canonicalID(kind idKind, v any) (string, any, bool) {
	switch t := v.(type) {
	case string:
		if t == "" {
			return "", nil, false
		}
		if kind == idInteger {
			n, err := strconv.ParseInt(t, 10, 64)
			if err != nil {
				return "", nil, false
			}
			return intStoreID(n), n, true
		}
		return t, t, true
	case float64:
		if t != math.Trunc(t) || math.Abs(t) > 1<<53 {
			return "", nil, false
		}
		return canonicalID(kind, int64(t))
	case int64:
		if kind == idInteger {
			return intStoreID(t), t, true
		}
		return strconv.FormatInt(t, 10), strconv.FormatInt(t, 10), true
	case int:
		return canonicalID(kind, int64(t))
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return canonicalID(kind, n)
		}
	}
	return "", nil, false
}

func seededFaker(parts ...string) *gofakeit.Faker {
	hs := fnv.New64a()
	for _, p := range parts {
		hs.Write([]byte(p))
		hs.Write([]byte{0})
	}
	return gofakeit.NewCustom(&splitMix{state: hs.Sum64()})
}

func randomFaker() *gofakeit.Faker {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return gofakeit.NewCustom(&splitMix{state: binary.LittleEndian.Uint64(b[:])})
}

// generateObject generates a value of an object schema.
func (h *Handler) generateObject(f *gofakeit.Faker, s *openapi3.Schema) map[string]any {
	v, _ := h.gen.Value(f, s, "")
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

// maxSeedCollections bounds how many child collections a nested resource
// seeds: one per seeded parent, so at most this many times the seed count.
const maxSeedCollections = 100

// seedRecord is one record a collection starts with.
type seedRecord struct {
	id   string // store id
	idv  any    // the id as the record shows it
	data json.RawMessage
}

// ensureSeeded fills a resource's collections with their seed records the
// first time the resource is used in this store: a top-level collection,
// or for a nested one the child collection of each seeded parent. Nothing
// it writes depends on a request: parents created later start with empty
// child collections, and a nested collection whose parent is not a
// resource of the handler starts empty.
func (h *Handler) ensureSeeded(ctx context.Context, res *resource) error {
	if res.seeded.Load() {
		return nil
	}
	for _, anc := range res.ancestors {
		if anc != nil {
			if err := h.ensureSeeded(ctx, anc); err != nil {
				return err
			}
		}
	}
	st := h.state
	base := store.Scope{Project: h.cfg.project}
	if _, err := st.records.Get(ctx, base, seedMarkers, res.key); err == nil {
		res.seeded.Store(true)
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	res.seedMu.Lock()
	defer res.seedMu.Unlock()
	if res.seeded.Load() {
		return nil
	}
	for _, coll := range h.seedCollections(res) {
		for _, sr := range h.seedRecords(res, coll) {
			if _, err := st.records.Create(ctx, base, coll, sr.id, sr.data); err != nil && !errors.Is(err, store.ErrConflict) {
				return err
			}
		}
	}
	if _, err := st.records.Create(ctx, base, seedMarkers, res.key, json.RawMessage(`{}`)); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	res.seeded.Store(true)
	return nil
}

// seedCollections lists the collections of a resource that start with
// seed records: the collection itself, or the child collection of each
// seed record of its parent resource (at most maxSeedCollections).
func (h *Handler) seedCollections(res *resource) []string {
	if !res.nested {
		return []string{res.key}
	}
	if res.parent == nil {
		return nil
	}
	var out []string
	for _, pc := range h.seedCollections(res.parent) {
		for _, sr := range h.seedRecords(res.parent, pc) {
			if len(out) == maxSeedCollections {
				return out
			}
			out = append(out, pc+"/"+url.PathEscape(scalarString(sr.idv))+res.parentSuffix)
		}
	}
	return out
}

// seedRecords computes the seed records of a collection: the description's
// examples first, then generated ones. They depend only on the handler's
// seed, the collection and the position, so a child collection's parents
// are known without reading the store.
func (h *Handler) seedRecords(res *resource, coll string) []seedRecord {
	seed := strconv.FormatInt(h.cfg.seed, 10)
	used := map[string]bool{}
	n := h.cfg.seedRecords
	out := make([]seedRecord, 0, n)
	for i := 0; i < n; i++ {
		f := seededFaker(seed, coll, strconv.Itoa(i))
		var obj map[string]any
		var id string
		var idv any
		if i < len(res.examples) {
			obj = deepCopy(res.examples[i]).(map[string]any)
			if res.IDField != "" {
				id, idv, _ = canonicalID(res.idKind, obj[res.IDField])
			}
		}
		if obj == nil || id == "" {
			if obj == nil {
				obj = h.generateObject(f, res.item)
			}
			id, idv = h.seedID(f, res, i, used)
		}
		used[id] = true
		if res.IDField != "" {
			obj[res.IDField] = idv
		}
		h.applyParents(res, coll, obj)
		shaped := h.shape(res.item, obj, func() *gofakeit.Faker { return f }, false, res.IDField)
		if m, ok := shaped.(map[string]any); ok && res.IDField != "" {
			// Shaping may have replaced an id the schema refuses: the
			// record is stored under the id it shows.
			if sid, sidv, ok := canonicalID(res.idKind, m[res.IDField]); ok && sid != id && !used[sid] && !strings.ContainsAny(sid, "/?#") {
				delete(used, id)
				id, idv = sid, sidv
				used[id] = true
			}
		}
		data, err := json.Marshal(shaped)
		if err != nil {
			continue
		}
		out = append(out, seedRecord{id: id, idv: idv, data: data})
	}
	return out
}

// seedID is the id of the i-th seed record: 1, 2, 3... for integer ids,
// otherwise a value of the id schema, unique among the seeds.
func (h *Handler) seedID(f *gofakeit.Faker, res *resource, i int, used map[string]bool) (string, any) {
	if res.idKind == idInteger {
		n := i + 1
		for used[intStoreID(int64(n))] {
			n++
		}
		return intStoreID(int64(n)), int64(n)
	}
	if res.idKind == idUUID {
		u := uuidFrom(f) // one draw: the store key and the id shown are one value
		return u, u
	}
	if res.idSchema != nil && constrained(res.idSchema) {
		for range 8 {
			if v, err := h.gen.Value(f, res.idSchema, res.IDField); err == nil {
				if id, idv, ok := canonicalID(res.idKind, v); ok && !used[id] && !strings.ContainsAny(id, "/?#") {
					return id, idv
				}
			}
		}
	}
	n := i + 1
	for used[strconv.Itoa(n)] {
		n++
	}
	return strconv.Itoa(n), strconv.Itoa(n)
}

func constrained(s *openapi3.Schema) bool {
	return s.Pattern != "" || s.Format != "" || len(s.Enum) > 0 || s.MinLength > 0 || s.MaxLength != nil
}

func uuidFrom(f *gofakeit.Faker) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(f.Rand.Intn(256))
	}
	return formatUUID(b)
}

func formatUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// nextID assigns the id of a created resource.
func (h *Handler) nextID(ctx context.Context, res *resource, scope store.Scope, coll string, attempt int) (string, any, error) {
	switch res.idKind {
	case idInteger:
		key := scope.Session + "\x00" + coll
		res.seqMu.Lock()
		n, ok := res.seq[key]
		res.seqMu.Unlock()
		if !ok || attempt > 0 {
			top, err := h.highestID(ctx, res, scope, coll)
			if err != nil {
				return "", nil, err
			}
			n = max(n, top+1)
		}
		res.seqMu.Lock()
		n = max(n, res.seq[key])
		res.seq[key] = n + 1
		res.seqMu.Unlock()
		return intStoreID(n), n, nil
	case idUUID:
		var b [16]byte
		_, _ = rand.Read(b[:])
		id := formatUUID(b)
		return id, id, nil
	}
	if res.idSchema != nil && constrained(res.idSchema) {
		f := randomFaker()
		for range 8 {
			if v, err := h.gen.Value(f, res.idSchema, res.IDField); err == nil {
				if id, idv, ok := canonicalID(res.idKind, v); ok && !strings.ContainsAny(id, "/?#") {
					return id, idv, nil
				}
			}
		}
	}
	id := secret.New("")[:16] // 96 random bits: unique enough for a mock's ids
	return id, id, nil
}

// highestID finds the largest integer id in a collection: the last id in
// store order, since integer ids are stored zero-padded.
func (h *Handler) highestID(ctx context.Context, res *resource, scope store.Scope, coll string) (int64, error) {
	page, err := h.state.records.List(ctx, scope, coll, store.Query{Descending: true, Limit: 1})
	if err != nil || len(page.Records) == 0 {
		return 0, err
	}
	n, _ := strconv.ParseInt(page.Records[0].ID, 10, 64)
	return n, nil
}

// displayID undoes intStoreID for messages.
func displayID(id string) string {
	if len(id) == 20 {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			return strconv.FormatInt(n, 10)
		}
	}
	return id
}

// intStoreID is the store id of an integer id: zero-padded, so that the
// store's id order (the cheap, keyset-paged one) is numeric order.
func intStoreID(n int64) string {
	if n < 0 {
		return fmt.Sprintf("-%019d", -n)
	}
	return fmt.Sprintf("%020d", n)
}

// applyParents copies the parent ids of a nested collection into the
// resource's properties of the same name ("userId" in /users/{userId}/posts).
func (h *Handler) applyParents(res *resource, coll string, obj map[string]any) {
	if !res.nested {
		return
	}
	props := res.props
	keySegs := strings.Split(strings.TrimPrefix(res.key, "/"), "/")
	collSegs := strings.Split(strings.TrimPrefix(coll, "/"), "/")
	tmplSegs := strings.Split(strings.TrimPrefix(res.Collection, "/"), "/")
	if len(keySegs) != len(collSegs) || len(keySegs) != len(tmplSegs) {
		return
	}
	for i, seg := range keySegs {
		if seg != "{}" {
			continue
		}
		name, _ := pureParam(tmplSegs[i])
		ps, ok := props[name]
		if !ok {
			continue
		}
		raw, err := url.PathUnescape(collSegs[i])
		if err != nil {
			continue
		}
		if v, ok := convertParam(ps, raw); ok && h.validFor(ps, v) {
			obj[name] = v
		}
	}
}

// convertParam turns a query or path value into the JSON type of a
// property.
func convertParam(s *openapi3.Schema, raw string) (any, bool) {
	switch {
	case s == nil || s.Type == nil:
		return raw, true
	case s.Type.Is(openapi3.TypeInteger) || s.Type.Is(openapi3.TypeNumber):
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case s.Type.Is(openapi3.TypeBoolean):
		b, err := strconv.ParseBool(raw)
		return b, err == nil
	case s.Type.Is(openapi3.TypeString):
		return raw, true
	}
	return nil, false
}

// shape returns a value of schema s made from a stored resource: rec itself
// when it validates, else rec's valid properties laid over a generated value.
func (h *Handler) shape(s *openapi3.Schema, rec map[string]any, f func() *gofakeit.Faker, trusted bool, idField string) any {
	if s == nil || trusted || h.validFor(s, rec) {
		return rec
	}
	g, _ := h.gen.Value(f(), s, "")
	gen, ok := g.(map[string]any)
	if !ok {
		return g // not an object schema: nothing of rec fits
	}
	props := properties(s)
	closed := s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	out := maps.Clone(gen)
	for k, v := range rec {
		ps, known := props[k]
		switch {
		case !known && closed:
		case known && ps.WriteOnly:
		case known && !h.validFor(ps, v):
		default:
			out[k] = v
		}
	}
	if h.validFor(s, out) {
		return out
	}
	if v, ok := rec[idField]; ok && idField != "" {
		gen[idField] = v
		if h.validFor(s, gen) {
			return gen
		}
		delete(gen, idField)
	}
	return gen
}

// stampTimes sets creation and update timestamps a resource declares as
// date-time strings to now.
func stampTimes(props map[string]*openapi3.Schema, obj map[string]any, create bool) {
	now := time.Now().UTC().Format(time.RFC3339)
	for name, ps := range props {
		if ps.Type == nil || !ps.Type.Is(openapi3.TypeString) || ps.Format != "date-time" {
			continue
		}
		switch strings.ToLower(strings.ReplaceAll(name, "_", "")) {
		case "createdat", "created", "creationdate", "createdate", "datecreated":
			if create {
				obj[name] = now
			}
		case "updatedat", "updated", "modifiedat", "lastmodified", "modified", "dateupdated", "lastupdated":
			obj[name] = now
		}
	}
}

// decodeObject decodes a request body that is a JSON object.
func decodeObject(body []byte) (map[string]any, bool) {
	var obj map[string]any
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

func (h *Handler) storeFailed(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrInvalid) {
		problem.Write(w, problem.New(http.StatusBadRequest, problem.CodeValidation, err.Error()))
		return
	}
	problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure,
		"the mock's store failed: "+err.Error()))
}

// serveCRUD answers a stateful operation from the store.
func (h *Handler) serveCRUD(w http.ResponseWriter, r *http.Request, p *opPlan, cp *crudPlan, m openapi.Match, ctl controls, body []byte) {
	ctx := r.Context()
	res := cp.res
	scope := store.Scope{Project: h.cfg.project, Session: h.session(w, r)}
	if err := h.ensureSeeded(ctx, res); err != nil {
		h.storeFailed(w, err)
		return
	}
	coll, parent, err := h.collection(ctx, scope, cp, m)
	switch {
	case errors.Is(err, errNoParent):
		h.notFound(w, r, p, ctl, body, parent)
		return
	case err != nil:
		h.storeFailed(w, err)
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
	h.storeFailed(w, err)
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
	if data == nil {
		if err := json.Unmarshal(rec.Data, &data); err != nil {
			h.storeFailed(w, err)
			return
		}
	}
	trusted := !rec.UpdatedAt.Before(h.state.built)
	h.respondValue(w, r, p, sp, status, faker, func(s *openapi3.Schema) (any, bool) {
		return h.fit(s, res, data, trusted, faker)
	})
}

// fit makes a single resource fit a response schema: the schema itself, or
// an envelope with the resource in an object property ({"data": {...}}).
func (h *Handler) fit(s *openapi3.Schema, res *resource, rec map[string]any, trusted bool, faker func() *gofakeit.Faker) (any, bool) {
	if s == nil {
		return rec, true
	}
	if s == res.item {
		return h.shape(s, rec, faker, trusted, res.IDField), true
	}
	if !isObjectSchema(s) {
		return nil, false
	}
	props := properties(s)
	overlap := 0
	for k := range rec {
		if _, ok := props[k]; ok {
			overlap++
		}
	}
	if overlap == 0 {
		names := slices.Sorted(maps.Keys(props))
		for _, pref := range []string{"data", "item", "result", "resource", "object"} {
			if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, pref) }); i > 0 {
				names[0], names[i] = names[i], names[0]
			}
		}
		for _, name := range names {
			if isObjectSchema(props[name]) {
				env := h.generateObject(faker(), s)
				env[name] = h.shape(props[name], rec, faker, false, res.IDField)
				if h.validFor(s, env) {
					return env, true
				}
			}
		}
	}
	return h.shape(s, rec, faker, false, res.IDField), true
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
		problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, err.Error()))
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

// newResource builds the stored form of a resource from a client's body:
// generated values for what the client did not send, the client's values
// (except read-only ones), the id, the parents' ids and timestamps.
func (h *Handler) newResource(res *resource, coll string, obj, old map[string]any, idv any, faker func() *gofakeit.Faker) map[string]any {
	props := res.props
	out := h.generateObject(faker(), res.item)
	for k, v := range old {
		out[k] = v
	}
	for k, v := range obj {
		if ps, ok := props[k]; ok && ps.ReadOnly && k != res.IDField {
			continue
		}
		out[k] = v
	}
	if res.IDField != "" {
		out[res.IDField] = idv
	}
	h.applyParents(res, coll, out)
	stampTimes(res.props, out, old == nil)
	shaped := h.shape(res.item, out, faker, false, res.IDField)
	if m, ok := shaped.(map[string]any); ok {
		return m
	}
	return out
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
				h.storeFailed(w, err)
				return
			}
		}
		data = h.newResource(res, coll, obj, nil, idv, faker)
		raw, err := json.Marshal(data)
		if err != nil {
			h.storeFailed(w, err)
			return
		}
		rec, err = h.state.records.Create(r.Context(), scope, coll, id, raw)
		if err == nil {
			break
		}
		if !errors.Is(err, store.ErrConflict) {
			h.storeFailed(w, err)
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
		stampTimes(res.props, obj, false)
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
			stampTimes(res.props, obj, false)
		} else {
			raw, _ := json.Marshal(merge)
			merged, err := store.MergePatch(old, raw)
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

// Reset restores the seed data of every collection and drops every
// visitor session's writes.
func (h *Handler) Reset(ctx context.Context) error {
	if h.state == nil {
		return nil
	}
	if err := h.state.records.Reset(ctx, store.Scope{Project: h.cfg.project}, ""); err != nil {
		return err
	}
	for _, res := range h.resourceList {
		res.seeded.Store(false)
		res.seqMu.Lock()
		clear(res.seq)
		res.seqMu.Unlock()
	}
	for _, res := range h.resourceList {
		if !res.nested {
			if err := h.ensureSeeded(ctx, res); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h *Handler) serveReset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		problem.Write(w, problem.New(http.StatusMethodNotAllowed, problem.CodeMethodNotAllowed, "reset with POST"))
		return
	}
	if err := h.Reset(r.Context()); err != nil {
		h.storeFailed(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
