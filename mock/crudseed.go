package mock

// The data a stateful mock starts with: seed records per resource, and Reset.

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/mockapi-go/mockapi/store"
)

// seedMarkers is the collection that records which collections have been
// seeded, so that seed data is written once per store, not once per start.
const seedMarkers = "__mockapi_seeded"

func seededFaker(parts ...string) *gofakeit.Faker {
	hs := fnv.New64a()
	for _, p := range parts {
		hs.Write([]byte(p))
		hs.Write([]byte{0})
	}
	return gofakeit.NewCustom(&splitMix{state: hs.Sum64()})
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
	examples := res.examples()
	for i := 0; i < n; i++ {
		f := seededFaker(seed, coll, strconv.Itoa(i))
		var obj map[string]any
		var id string
		var idv any
		if i < len(examples) {
			obj = deepCopy(examples[i]).(map[string]any)
			if res.IDField != "" {
				id, idv, _ = canonicalID(res.idKind, obj[res.IDField])
			}
		}
		if obj == nil || id == "" {
			if obj == nil {
				obj = h.generateVaried(f, res.item)
			}
			id, idv = h.seedID(f, res, i, used)
		}
		used[id] = true
		if res.IDField != "" {
			obj[res.IDField] = idv
		}
		h.applyParents(res, coll, obj)
		shaped := h.shape(res.item, obj, func() *gofakeit.Faker { return f }, false, res.IDField)
		if _, ok := shaped.(map[string]any); !ok {
			// Shaping gave something else than an object (a schema whose
			// example is JSON text in a string, microcks' Secret): the
			// store keeps objects, so the record stays the object built.
			shaped = obj
		}
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
