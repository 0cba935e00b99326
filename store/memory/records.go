package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
)

type collKey struct{ project, collection, session string }

// coll is the records of one collection in one scope, kept with a sorted id
// index so that a page costs O(log n + page).
type coll struct {
	ids  []string
	docs map[string]*rec
}

type rec struct {
	store.Record
	doc     atomic.Pointer[map[string]any] // Data decoded, when a filter or sort first asks
	deleted bool                           // a session's tombstone over a base record
}

func newRec(r store.Record) *rec { return &rec{Record: r} }

// fields is Data decoded. It is decoded on first use and kept: most
// collections are only ever paged in id order, and their decoded records
// (several times the size of their JSON text) would be the bulk of the
// process's memory on a large description. Two readers racing to decode
// store equal values.
func (r *rec) fields() map[string]any {
	if d := r.doc.Load(); d != nil {
		return *d
	}
	var d map[string]any
	_ = json.Unmarshal(r.Data, &d) // the Store passes only JSON objects
	r.doc.Store(&d)
	return d
}

func (c *coll) put(r *rec) {
	if _, ok := c.docs[r.ID]; !ok {
		i, _ := slices.BinarySearch(c.ids, r.ID)
		c.ids = slices.Insert(c.ids, i, r.ID)
	}
	c.docs[r.ID] = r
}

func (c *coll) remove(id string) {
	if _, ok := c.docs[id]; ok {
		i, _ := slices.BinarySearch(c.ids, id)
		c.ids = slices.Delete(c.ids, i, i+1)
		delete(c.docs, id)
	}
}

type records struct {
	mu    sync.RWMutex
	colls map[collKey]*coll
	clock atomic.Pointer[func() time.Time] // nil: time.Now
}

func (rs *records) coll(s store.Scope, collection string, session string, create bool) *coll {
	k := collKey{s.Project, collection, session}
	c := rs.colls[k]
	if c == nil && create {
		c = &coll{docs: map[string]*rec{}}
		rs.colls[k] = c
	}
	return c
}

func cloneRecord(r *store.Record) *store.Record {
	c := *r
	c.Data = slices.Clone(r.Data)
	return &c
}

// visible returns the record the scope sees, or nil.
func (rs *records) visible(s store.Scope, collection, id string) *store.Record {
	if s.Session != "" {
		if o := rs.coll(s, collection, s.Session, false); o != nil {
			if r, ok := o.docs[id]; ok {
				if r.deleted {
					return nil
				}
				return &r.Record
			}
		}
	}
	if b := rs.coll(s, collection, "", false); b != nil {
		if r, ok := b.docs[id]; ok {
			return &r.Record
		}
	}
	return nil
}

func recNotFound(s store.Scope, collection, id string) error {
	return fmt.Errorf("record %s/%s/%s: %w", s.Project, collection, id, store.ErrNotFound)
}

func (rs *records) write(s store.Scope, collection string, r store.Record) *store.Record {
	rs.coll(s, collection, s.Session, true).put(newRec(r))
	return cloneRecord(&r)
}

func (rs *records) stamp() time.Time {
	now := time.Now
	if c := rs.clock.Load(); c != nil {
		now = *c
	}
	return now().UTC().Truncate(time.Microsecond)
}

func (rs *records) Create(_ context.Context, s store.Scope, collection, id string, data json.RawMessage) (*store.Record, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.visible(s, collection, id) != nil {
		return nil, fmt.Errorf("record %s/%s/%s: %w", s.Project, collection, id, store.ErrConflict)
	}
	t := rs.stamp()
	return rs.write(s, collection, store.Record{ID: id, Data: slices.Clone(data), CreatedAt: t, UpdatedAt: t}), nil
}

func (rs *records) CreateBatch(_ context.Context, s store.Scope, collection string, recs []store.NewRecord) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, r := range recs {
		if rs.visible(s, collection, r.ID) != nil {
			return fmt.Errorf("record %s/%s/%s: %w", s.Project, collection, r.ID, store.ErrConflict)
		}
	}
	t := rs.stamp()
	for _, r := range recs {
		rs.write(s, collection, store.Record{ID: r.ID, Data: slices.Clone(r.Data), CreatedAt: t, UpdatedAt: t})
	}
	return nil
}

func (rs *records) Get(_ context.Context, s store.Scope, collection, id string) (*store.Record, error) {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	r := rs.visible(s, collection, id)
	if r == nil {
		return nil, recNotFound(s, collection, id)
	}
	return cloneRecord(r), nil
}

func (rs *records) Replace(_ context.Context, s store.Scope, collection, id string, data json.RawMessage) (*store.Record, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.visible(s, collection, id)
	if r == nil {
		return nil, recNotFound(s, collection, id)
	}
	return rs.write(s, collection, store.Record{ID: id, Data: slices.Clone(data), CreatedAt: r.CreatedAt, UpdatedAt: rs.stamp()}), nil
}

func (rs *records) Patch(_ context.Context, s store.Scope, collection, id string, patch json.RawMessage) (*store.Record, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.visible(s, collection, id)
	if r == nil {
		return nil, recNotFound(s, collection, id)
	}
	data, err := driver.MergePatch(r.Data, patch)
	if err != nil {
		return nil, err
	}
	return rs.write(s, collection, store.Record{ID: id, Data: data, CreatedAt: r.CreatedAt, UpdatedAt: rs.stamp()}), nil
}

func (rs *records) Update(_ context.Context, s store.Scope, collection, id string, change func(json.RawMessage) (json.RawMessage, error)) (*store.Record, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.visible(s, collection, id)
	if r == nil {
		return nil, recNotFound(s, collection, id)
	}
	data, err := change(slices.Clone(r.Data))
	if err != nil {
		return nil, err
	}
	return rs.write(s, collection, store.Record{ID: id, Data: slices.Clone(data), CreatedAt: r.CreatedAt, UpdatedAt: rs.stamp()}), nil
}

func (rs *records) Delete(_ context.Context, s store.Scope, collection, id string) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.visible(s, collection, id)
	if r == nil {
		return recNotFound(s, collection, id)
	}
	if s.Session == "" {
		rs.coll(s, collection, "", false).remove(id)
		return nil
	}
	o := rs.coll(s, collection, s.Session, true)
	if b := rs.coll(s, collection, "", false); b != nil && b.docs[id] != nil {
		o.put(&rec{Record: store.Record{ID: id}, deleted: true})
	} else {
		o.remove(id)
	}
	return nil
}

// walk calls fn with the records visible in the scope, in id order (reverse
// when desc), starting after the id after, until fn returns false. It merges
// the base index with the session's overlay index, so it costs O(log n) plus
// the records visited.
func (rs *records) walk(s store.Scope, collection, after string, desc bool, fn func(*rec) bool) {
	base := rs.coll(s, collection, "", false)
	var over *coll
	if s.Session != "" {
		over = rs.coll(s, collection, s.Session, false)
	}
	type cursor struct {
		c *coll
		i int
	}
	start := func(c *coll) cursor {
		if c == nil {
			return cursor{}
		}
		if after == "" {
			if desc {
				return cursor{c, len(c.ids) - 1}
			}
			return cursor{c, 0}
		}
		i, found := slices.BinarySearch(c.ids, after)
		if desc {
			return cursor{c, i - 1}
		}
		if found {
			i++
		}
		return cursor{c, i}
	}
	peek := func(cu cursor) (string, bool) {
		if cu.c == nil || cu.i < 0 || cu.i >= len(cu.c.ids) {
			return "", false
		}
		return cu.c.ids[cu.i], true
	}
	step := 1
	if desc {
		step = -1
	}
	less := func(a, b string) bool { return (a < b) != desc }
	b, o := start(base), start(over)
	for {
		bid, bok := peek(b)
		oid, ook := peek(o)
		var r *rec
		switch {
		case !bok && !ook:
			return
		case ook && (!bok || oid == bid || less(oid, bid)):
			if bok && oid == bid {
				b.i += step
			}
			r = o.c.docs[oid]
			o.i += step
		default:
			r = b.c.docs[bid]
			b.i += step
		}
		if r.deleted {
			continue
		}
		if !fn(r) {
			return
		}
	}
}

// List walks the id index from the cursor when the listing is ordered by
// id, so an unselective page costs O(page) (plus Offset). A listing sorted
// by a field collects and sorts every matching record: O(n log n) per page.
func (rs *records) List(_ context.Context, s store.Scope, collection string, q store.Query) (*store.Page, error) {
	var after driver.Keyset
	if q.After != "" {
		k, err := driver.ParseKeyset(q.After)
		if err != nil {
			return nil, err
		}
		after = k
	}
	m := newMatcher(q)
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	return rs.list(s, collection, q, after, m), nil
}

// list is List's page, under the read lock.
func (rs *records) list(s store.Scope, collection string, q store.Query, after driver.Keyset, m *matcher) *store.Page {
	p := &store.Page{}
	skip := q.Offset
	if q.SortBy == "" {
		more := false
		rs.walk(s, collection, after.ID, q.Descending, func(r *rec) bool {
			switch {
			case !m.matches(r):
				return true
			case skip > 0:
				skip--
				return true
			case len(p.Records) == q.Limit:
				more = true
				return false
			}
			p.Records = append(p.Records, cloneRecord(&r.Record))
			return true
		})
		if more {
			p.Cursor = p.Records[len(p.Records)-1].ID
		}
		return p
	}
	type keyed struct {
		key driver.SortKey
		r   *rec
	}
	var all []keyed
	rs.walk(s, collection, "", false, func(r *rec) bool {
		if m.matches(r) {
			v, ok := r.fields()[q.SortBy]
			all = append(all, keyed{driver.KeyOf(v, ok), r})
		}
		return true
	})
	order := func(a, b keyed) int { return driver.Order(a.key, a.r.ID, b.key, b.r.ID, q.Descending) }
	slices.SortFunc(all, order)
	i := 0
	if q.After != "" {
		i, _ = slices.BinarySearchFunc(all, after, func(a keyed, k driver.Keyset) int {
			return driver.Order(a.key, a.r.ID, k.Key, k.ID, q.Descending)
		})
		if i < len(all) && all[i].r.ID == after.ID {
			i++
		}
	}
	all = all[min(i+skip, len(all)):]
	for _, k := range all[:min(q.Limit, len(all))] {
		p.Records = append(p.Records, cloneRecord(&k.r.Record))
	}
	if len(all) > q.Limit {
		p.Cursor = p.Records[len(p.Records)-1].ID
	}
	return p
}

// Count walks every visible record: O(n), or O(1) for the shared data
// unfiltered.
func (rs *records) Count(_ context.Context, s store.Scope, collection string, q store.Query) (int, error) {
	m := newMatcher(q)
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	return rs.count(s, collection, m), nil
}

// ListCount is List and Count under one read lock (driver.ListCounter).
func (rs *records) ListCount(_ context.Context, s store.Scope, collection string, q store.Query) (*store.Page, int, error) {
	var after driver.Keyset
	if q.After != "" {
		k, err := driver.ParseKeyset(q.After)
		if err != nil {
			return nil, 0, err
		}
		after = k
	}
	m := newMatcher(q)
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	return rs.list(s, collection, q, after, m), rs.count(s, collection, m), nil
}

func (rs *records) count(s store.Scope, collection string, m *matcher) int {
	if m.empty() && (s.Session == "" || rs.coll(s, collection, s.Session, false) == nil) {
		// The shared data holds no tombstones: every id is a record.
		if b := rs.coll(s, collection, "", false); b != nil {
			return len(b.ids)
		}
		return 0
	}
	n := 0
	rs.walk(s, collection, "", false, func(r *rec) bool {
		if m.matches(r) {
			n++
		}
		return true
	})
	return n
}

func (rs *records) Reset(_ context.Context, s store.Scope, collection string) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for k := range rs.colls {
		if k.project != s.Project || (collection != "" && k.collection != collection) {
			continue
		}
		if s.Session == "" || k.session == s.Session {
			delete(rs.colls, k)
		}
	}
	return nil
}

func (rs *records) DeleteSession(_ context.Context, project, session string) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for k := range rs.colls {
		if k.project == project && k.session == session {
			delete(rs.colls, k)
		}
	}
	return nil
}
