// Package memory is the in-memory store backend: maps guarded by locks, safe
// for concurrent use, lost when the process ends. It is the default in tests
// and examples.
//
//	s := memory.New()
//	defer s.Close()
//
// New starts no goroutine: a Store that never records a key's use needs
// no Close. The first Keys.Touch starts the goroutine that writes
// last-used times, which Close stops; closing twice is harmless.
//
// # Compatibility
//
// New and NewDriver keep their signatures through v1; the driver keeps
// passing store/storetest.
package memory

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
)

// New returns an empty in-memory Store.
func New(opts ...store.Option) *store.Store {
	return store.New(NewDriver(), opts...)
}

// NewDriver returns an empty in-memory driver, for wrapping with store.New.
func NewDriver() driver.Driver {
	d := &backend{
		keys:    &keys{byID: map[string]*store.Key{}, byHash: map[string]string{}},
		links:   &links{byID: map[string]*store.Link{}, byHash: map[string]string{}},
		records: &records{colls: map[collKey]*coll{}},
		log:     &requestLog{},
	}
	d.projects = &projects{m: map[string]*storedProject{}, keys: d.keys, links: d.links, records: d.records, log: d.log}
	d.people = newPeople(d.projects, d.keys)
	d.quotas = &quotas{quotas: map[string]*store.Quota{}, counts: map[[2]string]int64{}}
	return d
}

type backend struct {
	projects *projects
	keys     *keys
	links    *links
	records  *records
	log      *requestLog
	people   *people
	quotas   *quotas
}

func (d *backend) Projects() driver.Projects     { return d.projects }
func (d *backend) Keys() driver.Keys             { return d.keys }
func (d *backend) Links() driver.Links           { return d.links }
func (d *backend) Records() driver.Records       { return d.records }
func (d *backend) RequestLog() driver.RequestLog { return d.log }
func (d *backend) Users() driver.Users           { return users{d.people} }
func (d *backend) Teams() driver.Teams           { return teams{d.people} }
func (d *backend) Quotas() driver.Quotas         { return d.quotas }
func (d *backend) Close() error                  { return nil }

// SetClock makes records stamp their times from now.
func (d *backend) SetClock(now func() time.Time) { d.records.clock.Store(&now) }

func notFound(what, id string) error { return fmt.Errorf("%s %q: %w", what, id, store.ErrNotFound) }
func conflict(what, id string) error { return fmt.Errorf("%s %q: %w", what, id, store.ErrConflict) }

// projects

type projects struct {
	mu sync.RWMutex
	m  map[string]*storedProject // their descriptions packed (spec.go)
	// What Delete removes with a project. Delete locks projects, keys,
	// links, records and log in that order; nothing else holds two of these
	// locks.
	keys    *keys
	links   *links
	records *records
	log     *requestLog
}

func (ps *projects) Create(_ context.Context, p *store.Project) error {
	c := keep(p)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if _, ok := ps.m[p.ID]; ok {
		return conflict("project", p.ID)
	}
	ps.m[p.ID] = c
	return nil
}

func (ps *projects) Get(_ context.Context, id string) (*store.Project, error) {
	ps.mu.RLock()
	sp, ok := ps.m[id]
	if !ok {
		ps.mu.RUnlock()
		return nil, notFound("project", id)
	}
	p, spec := sp.project()
	ps.mu.RUnlock()
	return withSpec(p, spec)
}

func (ps *projects) Version(_ context.Context, id string) (int64, error) {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	p, ok := ps.m[id]
	if !ok {
		return 0, notFound("project", id)
	}
	return p.Version, nil
}

func (ps *projects) List(_ context.Context, f store.ProjectFilter) ([]*store.Project, error) {
	ps.mu.RLock()
	var (
		out   []*store.Project
		specs []packedSpec
	)
	for _, id := range slices.Sorted(maps.Keys(ps.m)) {
		sp := ps.m[id]
		if (f.Owner == "" || sp.Owner == f.Owner) && (f.Team == "" || sp.Team == f.Team) {
			p, spec := sp.project()
			out, specs = append(out, p), append(specs, spec)
		}
	}
	ps.mu.RUnlock()
	for i, p := range out {
		if _, err := withSpec(p, specs[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (ps *projects) Update(_ context.Context, p *store.Project) error {
	c := keep(p)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	cur, ok := ps.m[p.ID]
	if !ok {
		return notFound("project", p.ID)
	}
	if cur.Version != p.Version {
		return fmt.Errorf("project %q: version %d, stored %d: %w", p.ID, p.Version, cur.Version, store.ErrConflict)
	}
	p.Version++
	p.CreatedAt = cur.CreatedAt
	c.Version, c.CreatedAt = p.Version, p.CreatedAt
	ps.m[p.ID] = c
	return nil
}

func (ps *projects) Delete(_ context.Context, id string) error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if _, ok := ps.m[id]; !ok {
		return notFound("project", id)
	}
	ps.keys.mu.Lock()
	defer ps.keys.mu.Unlock()
	ps.links.mu.Lock()
	defer ps.links.mu.Unlock()
	ps.records.mu.Lock()
	defer ps.records.mu.Unlock()
	ps.log.mu.Lock()
	defer ps.log.mu.Unlock()
	delete(ps.m, id)
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, k := range ps.keys.byID {
		if k.Allows(id) && len(k.Projects) > 0 {
			k.Projects = slices.DeleteFunc(slices.Clone(k.Projects), func(p string) bool { return p == id })
			if len(k.Projects) == 0 && k.RevokedAt.IsZero() {
				k.Projects = []string{id} // an empty scope would mean every project
				k.RevokedAt = now
			}
		}
	}
	for lid, l := range ps.links.byID {
		if l.Project == id {
			delete(ps.links.byHash, l.Hash)
			delete(ps.links.byID, lid)
		}
	}
	for k := range ps.records.colls {
		if k.project == id {
			delete(ps.records.colls, k)
		}
	}
	ps.log.entries = slices.DeleteFunc(ps.log.entries, func(e store.Entry) bool { return e.Project == id })
	return nil
}

// keys

type keys struct {
	mu     sync.RWMutex
	byID   map[string]*store.Key
	byHash map[string]string
}

func cloneKey(k *store.Key) *store.Key {
	c := *k
	c.Projects = slices.Clone(k.Projects)
	return &c
}

func byCreated[T any](s []T, at func(T) (time.Time, string)) {
	slices.SortFunc(s, func(a, b T) int {
		ta, ia := at(a)
		tb, ib := at(b)
		return cmp.Or(ta.Compare(tb), cmp.Compare(ia, ib))
	})
}

func (ks *keys) create(k *store.Key) error {
	if _, ok := ks.byID[k.ID]; ok {
		return conflict("key", k.ID)
	}
	if _, ok := ks.byHash[k.Hash]; ok {
		return conflict("key hash of", k.ID)
	}
	ks.byID[k.ID] = cloneKey(k)
	ks.byHash[k.Hash] = k.ID
	return nil
}

func (ks *keys) Create(_ context.Context, k *store.Key) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.create(k)
}

func (ks *keys) Get(_ context.Context, id string) (*store.Key, error) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	k, ok := ks.byID[id]
	if !ok {
		return nil, notFound("key", id)
	}
	return cloneKey(k), nil
}

func (ks *keys) Lookup(_ context.Context, hash string) (*store.Key, error) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	id, ok := ks.byHash[hash]
	if !ok {
		return nil, fmt.Errorf("key hash: %w", store.ErrNotFound)
	}
	return cloneKey(ks.byID[id]), nil
}

func (ks *keys) List(_ context.Context, owner string) ([]*store.Key, error) {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	var out []*store.Key
	for _, k := range ks.byID {
		if owner == "" || k.Owner == owner {
			out = append(out, cloneKey(k))
		}
	}
	byCreated(out, func(k *store.Key) (time.Time, string) { return k.CreatedAt, k.ID })
	return out, nil
}

func (ks *keys) Revoke(_ context.Context, id string, at time.Time) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	k, ok := ks.byID[id]
	if !ok {
		return notFound("key", id)
	}
	if k.RevokedAt.IsZero() {
		k.RevokedAt = at
	}
	return nil
}

func (ks *keys) Rotate(_ context.Context, oldID string, next *store.Key, expires time.Time) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	old, ok := ks.byID[oldID]
	if !ok || !old.RevokedAt.IsZero() {
		return notFound("key", oldID)
	}
	if err := ks.create(next); err != nil {
		return err
	}
	if expires.IsZero() {
		old.RevokedAt = next.CreatedAt
	} else if old.ExpiresAt.IsZero() || expires.Before(old.ExpiresAt) {
		old.ExpiresAt = expires
	}
	return nil
}

func (ks *keys) Update(_ context.Context, id string, change func(*store.Key) error) (*store.Key, error) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	cur, ok := ks.byID[id]
	if !ok {
		return nil, notFound("key", id)
	}
	if !cur.RevokedAt.IsZero() {
		return nil, fmt.Errorf("update key %q: revoked: %w", id, store.ErrConflict)
	}
	k := cloneKey(cur)
	if err := change(k); err != nil {
		return nil, err
	}
	cur.Name, cur.Projects = k.Name, slices.Clone(k.Projects)
	cur.ExpiresAt, cur.DeactivatedAt = k.ExpiresAt, k.DeactivatedAt
	return cloneKey(cur), nil
}

func (ks *keys) Touch(_ context.Context, id string, at time.Time) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	k, ok := ks.byID[id]
	if !ok {
		return notFound("key", id)
	}
	if at.After(k.LastUsedAt) {
		k.LastUsedAt = at
	}
	return nil
}

// links

type links struct {
	mu     sync.RWMutex
	byID   map[string]*store.Link
	byHash map[string]string
}

func cloneLink(l *store.Link) *store.Link { c := *l; return &c }

func (ls *links) Create(_ context.Context, l *store.Link) error {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if _, ok := ls.byID[l.ID]; ok {
		return conflict("link", l.ID)
	}
	if _, ok := ls.byHash[l.Hash]; ok {
		return conflict("link hash of", l.ID)
	}
	ls.byID[l.ID] = cloneLink(l)
	ls.byHash[l.Hash] = l.ID
	return nil
}

func (ls *links) Get(_ context.Context, id string) (*store.Link, error) {
	ls.mu.RLock()
	defer ls.mu.RUnlock()
	l, ok := ls.byID[id]
	if !ok {
		return nil, notFound("link", id)
	}
	return cloneLink(l), nil
}

func (ls *links) Lookup(_ context.Context, hash string) (*store.Link, error) {
	ls.mu.RLock()
	defer ls.mu.RUnlock()
	id, ok := ls.byHash[hash]
	if !ok {
		return nil, fmt.Errorf("link hash: %w", store.ErrNotFound)
	}
	return cloneLink(ls.byID[id]), nil
}

func (ls *links) List(_ context.Context, project string) ([]*store.Link, error) {
	ls.mu.RLock()
	defer ls.mu.RUnlock()
	var out []*store.Link
	for _, l := range ls.byID {
		if project == "" || l.Project == project {
			out = append(out, cloneLink(l))
		}
	}
	byCreated(out, func(l *store.Link) (time.Time, string) { return l.CreatedAt, l.ID })
	return out, nil
}

func (ls *links) Revoke(_ context.Context, id string, at time.Time) error {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l, ok := ls.byID[id]
	if !ok {
		return notFound("link", id)
	}
	if l.RevokedAt.IsZero() {
		l.RevokedAt = at
	}
	return nil
}

func (ls *links) Update(_ context.Context, id string, change func(*store.Link) error) (*store.Link, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	cur, ok := ls.byID[id]
	if !ok {
		return nil, notFound("link", id)
	}
	if !cur.RevokedAt.IsZero() {
		return nil, fmt.Errorf("update link %q: revoked: %w", id, store.ErrConflict)
	}
	l := cloneLink(cur)
	if err := change(l); err != nil {
		return nil, err
	}
	cur.Name, cur.TokenRequired = l.Name, l.TokenRequired
	cur.ExpiresAt, cur.DisabledAt = l.ExpiresAt, l.DisabledAt
	cur.VisitorRequests, cur.VisitorPer = l.VisitorRequests, l.VisitorPer
	return cloneLink(cur), nil
}

func (ls *links) Regenerate(_ context.Context, id, hash, prefix string) (*store.Link, error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	l, ok := ls.byID[id]
	if !ok || !l.RevokedAt.IsZero() {
		return nil, notFound("link", id)
	}
	if _, ok := ls.byHash[hash]; ok {
		return nil, conflict("link hash of", id)
	}
	delete(ls.byHash, l.Hash)
	l.Hash, l.Prefix = hash, prefix
	ls.byHash[hash] = id
	return cloneLink(l), nil
}

// request log

type requestLog struct {
	mu      sync.RWMutex
	nextID  int64
	entries []store.Entry // in ID order
}

func (rl *requestLog) Append(_ context.Context, entries ...store.Entry) error {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	for _, e := range entries {
		rl.nextID++
		e.ID = rl.nextID
		rl.entries = append(rl.entries, e)
	}
	return nil
}

func newestFirst(a, b store.Entry) int {
	return cmp.Or(b.Time.Compare(a.Time), cmp.Compare(b.ID, a.ID))
}

func (rl *requestLog) Query(_ context.Context, q store.LogQuery) ([]store.Entry, error) {
	rl.mu.RLock()
	var out []store.Entry
	for _, e := range rl.entries {
		if match(q, e) {
			out = append(out, e)
		}
	}
	rl.mu.RUnlock()
	slices.SortFunc(out, newestFirst)
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func match(q store.LogQuery, e store.Entry) bool {
	eq := func(want, got string) bool { return want == "" || want == got }
	return eq(q.Project, e.Project) && eq(q.Operation, e.Operation) && eq(q.KeyID, e.KeyID) &&
		eq(q.LinkID, e.LinkID) && eq(q.Session, e.Session) &&
		(q.Status == 0 || e.Status == q.Status) && (!q.Drift || e.Drift != "") && (q.StatusClass == 0 || e.Status/100 == q.StatusClass) &&
		(q.Since.IsZero() || !e.Time.Before(q.Since)) && (q.Until.IsZero() || e.Time.Before(q.Until)) &&
		(q.After.Time.IsZero() || e.Time.Before(q.After.Time) || (e.Time.Equal(q.After.Time) && e.ID < q.After.ID))
}

func (rl *requestLog) Stats(_ context.Context, project string, since, until time.Time) (*store.Stats, error) {
	rl.mu.RLock()
	defer rl.mu.RUnlock()
	st := &store.Stats{ByStatusClass: map[int]int{}}
	days := map[time.Time]int{}
	q := store.LogQuery{Project: project, Since: since, Until: until}
	for _, e := range rl.entries {
		if !match(q, e) {
			continue
		}
		st.Total++
		days[e.Time.UTC().Truncate(24*time.Hour)]++
		st.ByStatusClass[e.Status/100]++
		if e.Operation == "" && e.LinkID != "" && e.Path == "/" {
			st.PageViews++
		}
		switch e.Source {
		case "upstream":
			st.Upstream++
		case "fallback":
			st.Fallbacks++
		}
		if e.Drift != "" {
			st.Drift++
		}
	}
	for _, d := range slices.SortedFunc(maps.Keys(days), time.Time.Compare) {
		st.ByDay = append(st.ByDay, store.DayCount{Day: d, Count: days[d]})
	}
	st.TopOperations = rl.operations(q)
	slices.SortFunc(st.TopOperations, func(a, b store.OperationStats) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Project, b.Project))
	})
	if len(st.TopOperations) > 10 {
		st.TopOperations = st.TopOperations[:10]
	}
	return st, nil
}

func (rl *requestLog) Operations(_ context.Context, project string, since, until time.Time) ([]store.OperationStats, error) {
	rl.mu.RLock()
	defer rl.mu.RUnlock()
	out := rl.operations(store.LogQuery{Project: project, Since: since, Until: until})
	slices.SortFunc(out, func(a, b store.OperationStats) int { return cmp.Compare(a.Operation, b.Operation) })
	return out, nil
}

// operations aggregates the matching entries by project and operation, in
// no order; the caller holds rl.mu.
func (rl *requestLog) operations(q store.LogQuery) []store.OperationStats {
	type key struct{ project, operation string }
	type agg struct {
		n    int
		sum  time.Duration
		last time.Time
	}
	ops := map[key]*agg{}
	for _, e := range rl.entries {
		if e.Operation == "" || !match(q, e) {
			continue
		}
		k := key{e.Project, e.Operation}
		a := ops[k]
		if a == nil {
			a = &agg{}
			ops[k] = a
		}
		a.n++
		a.sum += e.Latency
		if e.Time.After(a.last) {
			a.last = e.Time
		}
	}
	out := make([]store.OperationStats, 0, len(ops))
	for k, a := range ops {
		out = append(out, store.OperationStats{Project: k.project, Operation: k.operation, Count: a.n,
			AvgLatency: a.sum / time.Duration(a.n), Last: a.last})
	}
	return out
}

func (rl *requestLog) Prune(_ context.Context, r store.Retention) (int, error) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	before := len(rl.entries)
	in := func(e store.Entry) bool { return r.Project == "" || e.Project == r.Project }
	if !r.Before.IsZero() {
		rl.entries = slices.DeleteFunc(rl.entries, func(e store.Entry) bool { return in(e) && e.Time.Before(r.Before) })
	}
	if r.Keep > 0 {
		// Sort only (time, id) keys, not whole entries, oldest first, and
		// drop what is older than the Keep-th newest key. Entries arrive
		// nearly in time order, so the keys are often sorted already and
		// the sort is skipped.
		type key struct{ t, id int64 }
		var keys []key
		for _, e := range rl.entries {
			if in(e) {
				keys = append(keys, key{e.Time.UnixNano(), e.ID})
			}
		}
		if len(keys) > r.Keep {
			byAge := func(a, b key) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.id, b.id)) }
			if !slices.IsSortedFunc(keys, byAge) {
				slices.SortFunc(keys, byAge)
			}
			last := keys[len(keys)-r.Keep] // the oldest entry kept
			rl.entries = slices.DeleteFunc(rl.entries, func(e store.Entry) bool {
				return in(e) && byAge(key{e.Time.UnixNano(), e.ID}, last) < 0
			})
		}
	}
	return before - len(rl.entries), nil
}

var (
	_ driver.Driver       = (*backend)(nil)
	_ driver.ClockSetter  = (*backend)(nil)
	_ driver.Projects     = (*projects)(nil)
	_ driver.Keys         = (*keys)(nil)
	_ driver.Links        = (*links)(nil)
	_ driver.Records      = (*records)(nil)
	_ driver.BatchCreator = (*records)(nil)
	_ driver.ListCounter  = (*records)(nil)
	_ driver.RequestLog   = (*requestLog)(nil)
)
