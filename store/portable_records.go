package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// records is the portable Records.
type records struct {
	s *Store
	d Records
}

func (r *records) check(s Scope, collection string, needCollection bool) error {
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

func (r *records) Create(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error) {
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

func (r *records) Get(ctx context.Context, s Scope, collection, id string) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" || !validText(id) {
		return nil, invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	return r.d.Get(ctx, s, collection, id)
}

func (r *records) Replace(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error) {
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

func (r *records) Patch(ctx context.Context, s Scope, collection, id string, patch json.RawMessage) (*Record, error) {
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

func (r *records) Update(ctx context.Context, s Scope, collection, id string, change func(json.RawMessage) (json.RawMessage, error)) (*Record, error) {
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

func (r *records) Delete(ctx context.Context, s Scope, collection, id string) error {
	if err := r.check(s, collection, true); err != nil {
		return err
	}
	if id == "" || !validText(id) {
		return invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	return r.d.Delete(ctx, s, collection, id)
}

func (r *records) List(ctx context.Context, s Scope, collection string, q Query) (*Page, error) {
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
	if p.Cursor != "" && len(p.Records) > 0 {
		p.Cursor = cursorAfter(q, p.Records[len(p.Records)-1])
	} else {
		p.Cursor = ""
	}
	return p, nil
}

func (r *records) Count(ctx context.Context, s Scope, collection string, q Query) (int, error) {
	if err := r.check(s, collection, true); err != nil {
		return 0, err
	}
	if err := checkQuery(&q); err != nil {
		return 0, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	return r.d.Count(ctx, s, collection, Query{Filter: q.Filter, Where: q.Where, Search: q.Search})
}

func (r *records) Reset(ctx context.Context, s Scope, collection string) error {
	if err := r.check(s, collection, false); err != nil {
		return err
	}
	return r.d.Reset(ctx, s, collection)
}

func (r *records) DeleteSession(ctx context.Context, project, session string) error {
	if err := r.check(Scope{Project: project}, "", false); err != nil {
		return err
	}
	if session == "" {
		return invalid("records: project %q: delete session: empty session", project)
	}
	return r.d.DeleteSession(ctx, project, session)
}
