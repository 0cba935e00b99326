package sqlcore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// projects

type projects struct{ db *db }

const projectCols = `id, name, spec, spec_format, visibility, operation_visibility, owner, team, settings, version, created_at, updated_at`

func scanProject(s scanner) (*store.Project, error) {
	var (
		p                store.Project
		opVis, settings  string
		created, updated int64
	)
	if err := s.Scan(&p.ID, &p.Name, &p.Spec, &p.SpecFormat, &p.Visibility, &opVis, &p.Owner, &p.Team, &settings, &p.Version, &created, &updated); err != nil {
		return nil, err
	}
	if opVis != "" {
		if err := json.Unmarshal([]byte(opVis), &p.OperationVisibility); err != nil {
			return nil, fmt.Errorf("project %s: operation visibility: %w", p.ID, err)
		}
	}
	if settings != "" {
		p.Settings = json.RawMessage(settings)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

func projectArgs(p *store.Project) (opVis, settings string) {
	if len(p.OperationVisibility) > 0 {
		b, _ := json.Marshal(p.OperationVisibility)
		opVis = string(b)
	}
	return opVis, string(p.Settings)
}

func (ps *projects) Create(ctx context.Context, p *store.Project) error {
	opVis, settings := projectArgs(p)
	_, err := ps.db.ExecContext(ctx, ps.db.q(`INSERT INTO projects (`+projectCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		p.ID, p.Name, p.Spec, p.SpecFormat, string(p.Visibility), opVis, p.Owner, p.Team, settings, p.Version, micros(p.CreatedAt), micros(p.UpdatedAt))
	return wrap(err, "project %q", p.ID)
}

func (ps *projects) Get(ctx context.Context, id string) (*store.Project, error) {
	p, err := scanProject(ps.db.QueryRowContext(ctx, ps.db.q(`SELECT `+projectCols+` FROM projects WHERE id = ?`), id))
	return p, wrap(err, "project %q", id)
}

func (ps *projects) Version(ctx context.Context, id string) (int64, error) {
	var v int64
	err := ps.db.QueryRowContext(ctx, ps.db.q(`SELECT version FROM projects WHERE id = ?`), id).Scan(&v)
	return v, wrap(err, "project %q", id)
}

func (ps *projects) List(ctx context.Context, f store.ProjectFilter) ([]*store.Project, error) {
	rows, err := ps.db.QueryContext(ctx, ps.db.q(`SELECT `+projectCols+` FROM projects
		WHERE (? = '' OR owner = ?) AND (? = '' OR team = ?) ORDER BY id`), f.Owner, f.Owner, f.Team, f.Team)
	if err != nil {
		return nil, wrap(err, "list projects")
	}
	defer rows.Close()
	var out []*store.Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, wrap(err, "list projects")
		}
		out = append(out, p)
	}
	return out, wrap(rows.Err(), "list projects")
}

func (ps *projects) Update(ctx context.Context, p *store.Project) error {
	opVis, settings := projectArgs(p)
	res, err := ps.db.ExecContext(ctx, ps.db.q(`UPDATE projects SET name = ?, spec = ?, spec_format = ?, visibility = ?,
		operation_visibility = ?, owner = ?, team = ?, settings = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`),
		p.Name, p.Spec, p.SpecFormat, string(p.Visibility), opVis, p.Owner, p.Team, settings, micros(p.UpdatedAt), p.ID, p.Version)
	if err != nil {
		return wrap(err, "update project %q", p.ID)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		p.Version++
		return nil
	}
	var v int64
	err = ps.db.QueryRowContext(ctx, ps.db.q(`SELECT version FROM projects WHERE id = ?`), p.ID).Scan(&v)
	if err != nil {
		return wrap(err, "update project %q", p.ID)
	}
	return fmt.Errorf("update project %q: version %d, stored %d: %w", p.ID, p.Version, v, store.ErrConflict)
}

// Delete removes the project and, in the same transaction, its records,
// links and log entries.
func (ps *projects) Delete(ctx context.Context, id string) error {
	return ps.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, ps.db.q(`DELETE FROM projects WHERE id = ?`), id)
		if err != nil {
			return wrap(err, "delete project %q", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("project %q: %w", id, store.ErrNotFound)
		}
		for _, table := range []string{"records", "record_counts", "share_links", "request_log"} {
			if _, err := tx.ExecContext(ctx, ps.db.q(`DELETE FROM `+table+` WHERE project = ?`), id); err != nil {
				return wrap(err, "delete project %q: %s", id, table)
			}
		}
		return unscopeKeys(ctx, tx, ps.db, id)
	})
}

// unscopeKeys removes a deleted project from the scopes of the keys that
// name it, so a new project reusing the id does not accept them. A key
// scoped to that project alone is revoked: an empty scope would mean every
// project.
func unscopeKeys(ctx context.Context, tx *sql.Tx, db *db, project string) error {
	// LIKE only narrows the rows ('_' is a wildcard); the scope is decoded
	// and checked below.
	rows, err := tx.QueryContext(ctx, db.q(`SELECT id, projects, revoked_at FROM api_keys WHERE projects LIKE ?`), `%"`+project+`"%`)
	if err != nil {
		return wrap(err, "delete project %q: keys", project)
	}
	type change struct {
		id, scope string
		revoked   int64
	}
	var changes []change
	for rows.Next() {
		var (
			id, scope string
			revoked   int64
			projects  []string
		)
		if err := rows.Scan(&id, &scope, &revoked); err != nil {
			rows.Close()
			return wrap(err, "delete project %q: keys", project)
		}
		if json.Unmarshal([]byte(scope), &projects) != nil || !slices.Contains(projects, project) {
			continue
		}
		kept := slices.DeleteFunc(projects, func(p string) bool { return p == project })
		if len(kept) == 0 {
			kept = []string{project} // an empty scope would mean every project
			if revoked == 0 {
				revoked = nowMicros()
			}
		}
		b, _ := json.Marshal(kept)
		changes = append(changes, change{id, string(b), revoked})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wrap(err, "delete project %q: keys", project)
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE api_keys SET projects = ?, revoked_at = ? WHERE id = ?`), c.scope, c.revoked, c.id); err != nil {
			return wrap(err, "delete project %q: key %q", project, c.id)
		}
	}
	return nil
}

// mustAffect runs a statement that must change a row, or it is ErrNotFound.
func (db *db) mustAffect(ctx context.Context, what, query string, args ...any) error {
	res, err := db.ExecContext(ctx, db.q(query), args...)
	if err != nil {
		return wrap(err, "%s", what)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// keys

type keys struct{ db *db }

const keyCols = `id, hash, prefix, name, owner, projects, created_at, expires_at, revoked_at, last_used_at, deactivated_at`

func scanKey(s scanner) (*store.Key, error) {
	var (
		k                                              store.Key
		scope                                          string
		created, expires, revoked, usedAt, deactivated int64
	)
	if err := s.Scan(&k.ID, &k.Hash, &k.Prefix, &k.Name, &k.Owner, &scope, &created, &expires, &revoked, &usedAt, &deactivated); err != nil {
		return nil, err
	}
	if scope != "" {
		if err := json.Unmarshal([]byte(scope), &k.Projects); err != nil {
			return nil, fmt.Errorf("key %s: projects: %w", k.ID, err)
		}
	}
	k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt = fromMicros(created), fromMicros(expires), fromMicros(revoked), fromMicros(usedAt)
	k.DeactivatedAt = fromMicros(deactivated)
	return &k, nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func keyScope(k *store.Key) string {
	if len(k.Projects) == 0 {
		return ""
	}
	b, _ := json.Marshal(k.Projects)
	return string(b)
}

func (ks *keys) insert(ctx context.Context, ex execer, k *store.Key) error {
	_, err := ex.ExecContext(ctx, ks.db.q(`INSERT INTO api_keys (`+keyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		k.ID, k.Hash, k.Prefix, k.Name, k.Owner, keyScope(k), micros(k.CreatedAt), micros(k.ExpiresAt), micros(k.RevokedAt), micros(k.LastUsedAt),
		micros(k.DeactivatedAt))
	return wrap(err, "key %q", k.ID)
}

func (ks *keys) Create(ctx context.Context, k *store.Key) error { return ks.insert(ctx, ks.db, k) }

func (ks *keys) Get(ctx context.Context, id string) (*store.Key, error) {
	k, err := scanKey(ks.db.QueryRowContext(ctx, ks.db.q(`SELECT `+keyCols+` FROM api_keys WHERE id = ?`), id))
	return k, wrap(err, "key %q", id)
}

func (ks *keys) Lookup(ctx context.Context, hash string) (*store.Key, error) {
	k, err := scanKey(ks.db.QueryRowContext(ctx, ks.db.q(`SELECT `+keyCols+` FROM api_keys WHERE hash = ?`), hash))
	return k, wrap(err, "key hash")
}

func (ks *keys) List(ctx context.Context, owner string) ([]*store.Key, error) {
	rows, err := ks.db.QueryContext(ctx, ks.db.q(`SELECT `+keyCols+` FROM api_keys WHERE ? = '' OR owner = ? ORDER BY created_at, id`), owner, owner)
	if err != nil {
		return nil, wrap(err, "list keys")
	}
	defer rows.Close()
	var out []*store.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, wrap(err, "list keys")
		}
		out = append(out, k)
	}
	return out, wrap(rows.Err(), "list keys")
}

func (ks *keys) Revoke(ctx context.Context, id string, at time.Time) error {
	return ks.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, ks.db.q(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at = 0`), micros(at), id); err != nil {
			return wrap(err, "revoke key %q", id)
		}
		return exists(ctx, tx, ks.db, "key", `SELECT 1 FROM api_keys WHERE id = ?`, id)
	})
}

// exists is ErrNotFound unless the query finds a row.
func exists(ctx context.Context, tx *sql.Tx, db *db, what, query string, args ...any) error {
	var one int
	err := tx.QueryRowContext(ctx, db.q(query), args...).Scan(&one)
	return wrap(err, "%s %q", what, args[0])
}

func (ks *keys) Rotate(ctx context.Context, oldID string, next *store.Key, expires time.Time) error {
	return ks.db.inTx(ctx, func(tx *sql.Tx) error {
		var revoked, oldExpires int64
		err := tx.QueryRowContext(ctx, ks.db.q(`SELECT revoked_at, expires_at FROM api_keys WHERE id = ?`+ks.db.d.forUpdate), oldID).Scan(&revoked, &oldExpires)
		if err != nil {
			return wrap(err, "rotate key %q", oldID)
		}
		if revoked != 0 {
			return fmt.Errorf("rotate key %q: revoked: %w", oldID, store.ErrNotFound)
		}
		if err := ks.insert(ctx, tx, next); err != nil {
			return err
		}
		var q string
		var arg int64
		switch {
		case expires.IsZero():
			q, arg = `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, micros(next.CreatedAt)
		case oldExpires == 0 || micros(expires) < oldExpires:
			q, arg = `UPDATE api_keys SET expires_at = ? WHERE id = ?`, micros(expires)
		default:
			return nil
		}
		_, err = tx.ExecContext(ctx, ks.db.q(q), arg, oldID)
		return wrap(err, "rotate key %q", oldID)
	})
}

// Update reads the key with a row lock (PostgreSQL; SQLite transactions
// take the write lock), so that no other Update comes between the read
// and the write.
func (ks *keys) Update(ctx context.Context, id string, change func(*store.Key) error) (*store.Key, error) {
	var k *store.Key
	err := ks.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = scanKey(tx.QueryRowContext(ctx, ks.db.q(`SELECT `+keyCols+` FROM api_keys WHERE id = ?`+ks.db.d.forUpdate), id))
		if err != nil {
			return wrap(err, "update key %q", id)
		}
		if !k.RevokedAt.IsZero() {
			return fmt.Errorf("update key %q: revoked: %w", id, store.ErrConflict)
		}
		if err := change(k); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, ks.db.q(`UPDATE api_keys SET name = ?, projects = ?, expires_at = ?, deactivated_at = ? WHERE id = ?`),
			k.Name, keyScope(k), micros(k.ExpiresAt), micros(k.DeactivatedAt), id)
		return wrap(err, "update key %q", id)
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

func (ks *keys) Touch(ctx context.Context, id string, at time.Time) error {
	res, err := ks.db.ExecContext(ctx, ks.db.q(`UPDATE api_keys SET last_used_at = ? WHERE id = ? AND last_used_at < ?`), micros(at), id, micros(at))
	if err != nil {
		return wrap(err, "touch key %q", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		return wrap(ks.db.QueryRowContext(ctx, ks.db.q(`SELECT 1 FROM api_keys WHERE id = ?`), id).Scan(&one), "touch key %q", id)
	}
	return nil
}

// links

type links struct{ db *db }

const linkCols = `id, project, hash, prefix, name, token_required, created_at, expires_at, revoked_at, disabled_at, visitor_requests, visitor_per`

func scanLink(s scanner) (*store.Link, error) {
	var (
		l                                   store.Link
		created, expires, revoked, disabled int64
		visitorPer                          int64
	)
	if err := s.Scan(&l.ID, &l.Project, &l.Hash, &l.Prefix, &l.Name, &l.TokenRequired, &created, &expires, &revoked, &disabled,
		&l.VisitorRequests, &visitorPer); err != nil {
		return nil, err
	}
	l.VisitorPer = time.Duration(visitorPer)
	l.CreatedAt, l.ExpiresAt, l.RevokedAt, l.DisabledAt = fromMicros(created), fromMicros(expires), fromMicros(revoked), fromMicros(disabled)
	return &l, nil
}

func (ls *links) Create(ctx context.Context, l *store.Link) error {
	_, err := ls.db.ExecContext(ctx, ls.db.q(`INSERT INTO share_links (`+linkCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		l.ID, l.Project, l.Hash, l.Prefix, l.Name, l.TokenRequired, micros(l.CreatedAt), micros(l.ExpiresAt), micros(l.RevokedAt), micros(l.DisabledAt),
		l.VisitorRequests, int64(l.VisitorPer))
	return wrap(err, "link %q", l.ID)
}

func (ls *links) Get(ctx context.Context, id string) (*store.Link, error) {
	l, err := scanLink(ls.db.QueryRowContext(ctx, ls.db.q(`SELECT `+linkCols+` FROM share_links WHERE id = ?`), id))
	return l, wrap(err, "link %q", id)
}

func (ls *links) Lookup(ctx context.Context, hash string) (*store.Link, error) {
	l, err := scanLink(ls.db.QueryRowContext(ctx, ls.db.q(`SELECT `+linkCols+` FROM share_links WHERE hash = ?`), hash))
	return l, wrap(err, "link hash")
}

func (ls *links) List(ctx context.Context, project string) ([]*store.Link, error) {
	rows, err := ls.db.QueryContext(ctx, ls.db.q(`SELECT `+linkCols+` FROM share_links WHERE ? = '' OR project = ? ORDER BY created_at, id`), project, project)
	if err != nil {
		return nil, wrap(err, "list links")
	}
	defer rows.Close()
	var out []*store.Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, wrap(err, "list links")
		}
		out = append(out, l)
	}
	return out, wrap(rows.Err(), "list links")
}

func (ls *links) Revoke(ctx context.Context, id string, at time.Time) error {
	return ls.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, ls.db.q(`UPDATE share_links SET revoked_at = ? WHERE id = ? AND revoked_at = 0`), micros(at), id); err != nil {
			return wrap(err, "revoke link %q", id)
		}
		return exists(ctx, tx, ls.db, "link", `SELECT 1 FROM share_links WHERE id = ?`, id)
	})
}

// Update reads the link with a row lock, as keys' Update does.
func (ls *links) Update(ctx context.Context, id string, change func(*store.Link) error) (*store.Link, error) {
	var l *store.Link
	err := ls.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		l, err = scanLink(tx.QueryRowContext(ctx, ls.db.q(`SELECT `+linkCols+` FROM share_links WHERE id = ?`+ls.db.d.forUpdate), id))
		if err != nil {
			return wrap(err, "update link %q", id)
		}
		if !l.RevokedAt.IsZero() {
			return fmt.Errorf("update link %q: revoked: %w", id, store.ErrConflict)
		}
		if err := change(l); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, ls.db.q(`UPDATE share_links SET name = ?, token_required = ?, expires_at = ?, disabled_at = ?,
			visitor_requests = ?, visitor_per = ? WHERE id = ?`),
			l.Name, l.TokenRequired, micros(l.ExpiresAt), micros(l.DisabledAt), l.VisitorRequests, int64(l.VisitorPer), id)
		return wrap(err, "update link %q", id)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (ls *links) Regenerate(ctx context.Context, id, hash, prefix string) (*store.Link, error) {
	var out *store.Link
	err := ls.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, ls.db.q(`UPDATE share_links SET hash = ?, prefix = ? WHERE id = ? AND revoked_at = 0`), hash, prefix, id)
		if err != nil {
			return wrap(err, "regenerate link %q", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("regenerate link %q: %w", id, store.ErrNotFound)
		}
		out, err = scanLink(tx.QueryRowContext(ctx, ls.db.q(`SELECT `+linkCols+` FROM share_links WHERE id = ?`), id))
		return wrap(err, "regenerate link %q", id)
	})
	return out, err
}
