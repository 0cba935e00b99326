package store

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/mockapi-go/mockapi/store/driver"
)

// Scope says which data a Records call sees: the project's shared base data
// (Session empty), or one visitor session's view, which reads base data plus
// the session's own writes and writes only to the session's overlay.
type Scope = driver.Scope

// Record is one JSON document in a collection.
type Record = driver.Record

// Query selects, orders and pages records: Filter, Where and Search
// select; SortBy and Descending order; Limit, Offset and After page. Its
// fields are documented on driver.Query.
type Query = driver.Query

// Condition keeps records whose top-level Field compares to Value by Op;
// see driver.Condition.
type Condition = driver.Condition

// Op is a comparison a Condition applies to a top-level field; see
// driver.Op for how values of each JSON type compare.
type Op = driver.Op

// Comparisons.
const (
	Eq   = driver.Eq
	Ne   = driver.Ne
	Gt   = driver.Gt
	Gte  = driver.Gte
	Lt   = driver.Lt
	Lte  = driver.Lte
	Like = driver.Like
)

// Page is one page of a listing: its records and the Cursor that
// continues it (Query.After), empty on the last page.
type Page = driver.Page

// Records stores JSON documents in named collections per project: the type
// a Store's Records returns, over any backend. It is safe for concurrent
// use. Listings are ordered by record id (or Query.SortBy) and paged by
// keyset, so a page ordered by id costs O(page) on every backend, not
// O(collection), when the query selects nothing (no Filter, Where or
// Search); see each backend for the cost of the others.
type Records struct {
	s *Store
	d driver.Records
}

func (r *Records) check(s Scope, collection string, needCollection bool) error {
	if err := r.s.check(); err != nil {
		return err
	}
	if s.Project == "" {
		return invalid("records: empty project")
	}
	if needCollection && collection == "" {
		return invalid("records: project %q: empty collection", s.Project)
	}
	if !validText(s.Project) || !validText(s.Session) || !validText(collection) {
		return invalid("records: project, session or collection is not valid UTF-8 text without NUL")
	}
	return nil
}

func isObject(data json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(data, &m) == nil && m != nil
}

// checkData refuses a record body no backend can keep alike: one that is
// not a JSON object, or that holds a NUL character (\u0000), which
// PostgreSQL's jsonb rejects while the other backends would store it.
func checkData(data json.RawMessage, what string, args ...any) error {
	if !isObject(data) {
		return invalid("records: %s: %s is not a JSON object", fmt.Sprintf("%s/%s/%s", args...), what)
	}
	if hasNULEscape(data) {
		return invalid("records: %s: %s holds a NUL character (\\u0000), which the store does not keep", fmt.Sprintf("%s/%s/%s", args...), what)
	}
	return nil
}

// hasNULEscape reports whether JSON text holds the escape \u0000 (a raw
// NUL byte is not valid JSON). An escaped backslash followed by "u0000" is
// not one.
func hasNULEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+5 < len(b) && b[i+1] == 'u' && string(b[i+2:i+6]) == "0000" {
			return true
		}
		i++ // the escaped character
	}
	return false
}

// Create stores a record. An empty id is assigned by the store; an id
// visible in the scope is ErrConflict. data must be a JSON object.
func (r *Records) Create(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if !validText(id) {
		return nil, invalid("records: %s/%s: id is not valid UTF-8 text without NUL", s.Project, collection)
	}
	if err := checkData(data, "data", s.Project, collection, id); err != nil {
		return nil, err
	}
	if id == "" {
		id = NewID()
	}
	return r.d.Create(ctx, s, collection, id, data)
}

// NewRecord is one record of a CreateBatch.
type NewRecord = driver.NewRecord

// MaxBatch bounds the records of one CreateBatch.
const MaxBatch = 1000

// CreateBatch stores records in one collection, all or none: an id visible
// in the scope, or given twice, is ErrConflict, and nothing is stored. An
// empty id is assigned by the store. Every backend of this module writes
// the batch in one transaction (the SQL ones in a few statements), so it
// costs far less than a Create per record; a driver without
// driver.BatchCreator gets one Create per record, which is not atomic.
func (r *Records) CreateBatch(ctx context.Context, s Scope, collection string, recs []NewRecord) error {
	if err := r.check(s, collection, true); err != nil {
		return err
	}
	if len(recs) > MaxBatch {
		return invalid("records: %s/%s: a batch of %d records passes the bound of %d", s.Project, collection, len(recs), MaxBatch)
	}
	clean := make([]NewRecord, len(recs))
	seen := make(map[string]bool, len(recs))
	for i, rec := range recs {
		if !validText(rec.ID) {
			return invalid("records: %s/%s: record %d: id is not valid UTF-8 text without NUL", s.Project, collection, i)
		}
		if err := checkData(rec.Data, "data", s.Project, collection, rec.ID); err != nil {
			return err
		}
		if rec.ID == "" {
			rec.ID = NewID()
		}
		if seen[rec.ID] {
			return fmt.Errorf("records %s/%s/%s: given twice in a batch: %w", s.Project, collection, rec.ID, ErrConflict)
		}
		seen[rec.ID] = true
		clean[i] = rec
	}
	if len(clean) == 0 {
		return nil
	}
	if bc, ok := r.d.(driver.BatchCreator); ok {
		return bc.CreateBatch(ctx, s, collection, clean)
	}
	for _, rec := range clean {
		if _, err := r.d.Create(ctx, s, collection, rec.ID, rec.Data); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the record visible in the scope, or ErrNotFound.
func (r *Records) Get(ctx context.Context, s Scope, collection, id string) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" || !validText(id) {
		return nil, invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	return r.d.Get(ctx, s, collection, id)
}

// Replace replaces the data of a record visible in the scope.
func (r *Records) Replace(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" || !validText(id) {
		return nil, invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	if err := checkData(data, "data", s.Project, collection, id); err != nil {
		return nil, err
	}
	return r.d.Replace(ctx, s, collection, id, data)
}

// Patch applies a JSON merge patch (RFC 7396) to a record visible in the
// scope and returns the result.
func (r *Records) Patch(ctx context.Context, s Scope, collection, id string, patch json.RawMessage) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" || !validText(id) {
		return nil, invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	if err := checkData(patch, "merge patch", s.Project, collection, id); err != nil {
		return nil, err
	}
	return r.d.Patch(ctx, s, collection, id, patch)
}

// Update replaces the data of a record visible in the scope with what
// change returns for its current data, atomically: no other write to
// the record lands between the read change sees and the write of its
// result, on every backend (read-modify-write without lost updates,
// for changes the store cannot express, such as a JSON Patch). change
// is called once, with the record locked, so it must be quick and must
// not call the store; its result must be a JSON object (else
// ErrInvalid). An error from change aborts the update and is returned
// unchanged, so callers can test it with errors.Is or errors.As.
func (r *Records) Update(ctx context.Context, s Scope, collection, id string, change func(json.RawMessage) (json.RawMessage, error)) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("records: %s/%s: empty id", s.Project, collection)
	}
	if change == nil {
		return nil, invalid("records: %s/%s/%s: nil change", s.Project, collection, id)
	}
	return r.d.Update(ctx, s, collection, id, func(data json.RawMessage) (json.RawMessage, error) {
		out, err := change(data)
		if err != nil {
			return nil, err
		}
		if !isObject(out) {
			return nil, invalid("records: %s/%s/%s: updated data is not a JSON object", s.Project, collection, id)
		}
		return out, nil
	})
}

// Delete removes a record visible in the scope. In a session it hides
// the base record from that session only.
func (r *Records) Delete(ctx context.Context, s Scope, collection, id string) error {
	if err := r.check(s, collection, true); err != nil {
		return err
	}
	if id == "" || !validText(id) {
		return invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	return r.d.Delete(ctx, s, collection, id)
}

// List returns a page of the records visible in the scope.
func (r *Records) List(ctx context.Context, s Scope, collection string, q Query) (*Page, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if err := checkQuery(&q); err != nil {
		return nil, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	if err := checkListing(&q); err != nil {
		return nil, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	p, err := r.d.List(ctx, s, collection, q)
	if err != nil {
		return nil, err
	}
	setCursor(p, q)
	return p, nil
}

func setCursor(p *Page, q Query) {
	if p.Cursor != "" && len(p.Records) > 0 {
		p.Cursor = cursorAfter(q, p.Records[len(p.Records)-1])
	} else {
		p.Cursor = ""
	}
}

// ListCount is List and Count of the same query together: a page, and
// how many records visible in the scope match the query's Filter, Where
// and Search. Backends that can (the SQL ones) answer both in one round
// trip.
func (r *Records) ListCount(ctx context.Context, s Scope, collection string, q Query) (*Page, int, error) {
	lc, ok := r.d.(driver.ListCounter)
	if !ok {
		p, err := r.List(ctx, s, collection, q)
		if err != nil {
			return nil, 0, err
		}
		n, err := r.Count(ctx, s, collection, q)
		if err != nil {
			return nil, 0, err
		}
		return p, n, nil
	}
	if err := r.check(s, collection, true); err != nil {
		return nil, 0, err
	}
	if err := checkQuery(&q); err != nil {
		return nil, 0, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	if err := checkListing(&q); err != nil {
		return nil, 0, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	p, n, err := lc.ListCount(ctx, s, collection, q)
	if err != nil {
		return nil, 0, err
	}
	setCursor(p, q)
	return p, n, nil
}

// Count returns how many records visible in the scope match the query's
// Filter, Where and Search (its other fields are ignored).
func (r *Records) Count(ctx context.Context, s Scope, collection string, q Query) (int, error) {
	if err := r.check(s, collection, true); err != nil {
		return 0, err
	}
	if err := checkQuery(&q); err != nil {
		return 0, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	return r.d.Count(ctx, s, collection, Query{Filter: q.Filter, Where: q.Where, Search: q.Search})
}

// Reset removes a collection (every collection when collection is
// empty). In the base scope it removes base data and every session's
// overlay of it; in a session it drops only that session's overlay, so
// the session sees base data again.
func (r *Records) Reset(ctx context.Context, s Scope, collection string) error {
	if err := r.check(s, collection, false); err != nil {
		return err
	}
	return r.d.Reset(ctx, s, collection)
}

// DeleteSession drops everything a session wrote in the project.
func (r *Records) DeleteSession(ctx context.Context, project, session string) error {
	if err := r.check(Scope{Project: project}, "", false); err != nil {
		return err
	}
	if session == "" {
		return invalid("records: project %q: delete session: empty session", project)
	}
	return r.d.DeleteSession(ctx, project, session)
}
