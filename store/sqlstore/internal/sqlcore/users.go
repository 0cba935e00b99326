package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// users

type users struct{ db *db }

const userCols = `id, name, email, created_at`

func scanUser(s scanner) (*store.User, error) {
	var (
		u       store.User
		created int64
	)
	if err := s.Scan(&u.ID, &u.Name, &u.Email, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMicros(created)
	return &u, nil
}

const tokenCols = `id, user_id, hash, prefix, created_at, revoked_at`

func scanToken(s scanner) (*store.UserToken, error) {
	var (
		t                store.UserToken
		created, revoked int64
	)
	if err := s.Scan(&t.ID, &t.User, &t.Hash, &t.Prefix, &created, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt, t.RevokedAt = fromMicros(created), fromMicros(revoked)
	return &t, nil
}

func (us *users) insertToken(ctx context.Context, ex execer, t *store.UserToken) error {
	_, err := ex.ExecContext(ctx, us.db.q(`INSERT INTO user_tokens (`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?)`),
		t.ID, t.User, t.Hash, t.Prefix, micros(t.CreatedAt), micros(t.RevokedAt))
	return wrap(err, "user token %q", t.ID)
}

func (us *users) Create(ctx context.Context, u *store.User, t *store.UserToken) error {
	return us.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, us.db.q(`INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?)`),
			u.ID, u.Name, u.Email, micros(u.CreatedAt))
		if err != nil {
			return wrap(err, "user %q", u.ID)
		}
		return us.insertToken(ctx, tx, t)
	})
}

func (us *users) Get(ctx context.Context, id string) (*store.User, error) {
	u, err := scanUser(us.db.QueryRowContext(ctx, us.db.q(`SELECT `+userCols+` FROM users WHERE id = ?`), id))
	return u, wrap(err, "user %q", id)
}

func (us *users) ByEmail(ctx context.Context, email string) (*store.User, error) {
	u, err := scanUser(us.db.QueryRowContext(ctx, us.db.q(`SELECT `+userCols+` FROM users WHERE email = ?`), email))
	return u, wrap(err, "user email")
}

// list runs a query of rows and scans each with scan.
func list[T any](ctx context.Context, db *db, scan func(scanner) (*T, error), what, query string, args ...any) ([]*T, error) {
	rows, err := db.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, wrap(err, "%s", what)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(err, "%s", what)
		}
		out = append(out, v)
	}
	return out, wrap(rows.Err(), "%s", what)
}

func (us *users) List(ctx context.Context) ([]*store.User, error) {
	return list(ctx, us.db, scanUser, "list users", `SELECT `+userCols+` FROM users ORDER BY created_at, id`)
}

func (us *users) Update(ctx context.Context, id string, change func(*store.User) error) (*store.User, error) {
	var u *store.User
	err := us.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, us.db.q(`SELECT `+userCols+` FROM users WHERE id = ?`+us.db.d.forUpdate), id))
		if err != nil {
			return wrap(err, "update user %q", id)
		}
		if err := change(u); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, us.db.q(`UPDATE users SET name = ?, email = ? WHERE id = ?`), u.Name, u.Email, id)
		return wrap(err, "update user %q", id)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (us *users) Delete(ctx context.Context, id string, at time.Time) error {
	return us.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, us.db.q(`DELETE FROM users WHERE id = ?`), id)
		if err != nil {
			return wrap(err, "delete user %q", id)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %q: %w", id, store.ErrNotFound)
		}
		for _, q := range []string{
			`DELETE FROM user_tokens WHERE user_id = ?`,
			`DELETE FROM team_members WHERE user_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, us.db.q(q), id); err != nil {
				return wrap(err, "delete user %q", id)
			}
		}
		_, err = tx.ExecContext(ctx, us.db.q(`UPDATE api_keys SET revoked_at = ? WHERE owner = ? AND revoked_at = 0`), micros(at), id)
		return wrap(err, "delete user %q: keys", id)
	})
}

func (us *users) Lookup(ctx context.Context, hash string) (*store.User, *store.UserToken, error) {
	var (
		u                store.User
		t                store.UserToken
		ucreated         int64
		created, revoked int64
	)
	err := us.db.QueryRowContext(ctx, us.db.q(`SELECT u.id, u.name, u.email, u.created_at,
		t.id, t.prefix, t.created_at, t.revoked_at
		FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`), hash).
		Scan(&u.ID, &u.Name, &u.Email, &ucreated, &t.ID, &t.Prefix, &created, &revoked)
	if err != nil {
		return nil, nil, wrap(err, "user token hash")
	}
	u.CreatedAt = fromMicros(ucreated)
	t.User, t.Hash, t.CreatedAt, t.RevokedAt = u.ID, hash, fromMicros(created), fromMicros(revoked)
	return &u, &t, nil
}

func (us *users) Tokens(ctx context.Context, user string) ([]*store.UserToken, error) {
	if _, err := us.Get(ctx, user); err != nil {
		return nil, err
	}
	return list(ctx, us.db, scanToken, "list user tokens",
		`SELECT `+tokenCols+` FROM user_tokens WHERE user_id = ? ORDER BY created_at, id`, user)
}

// lockUser is ErrNotFound unless the user exists; on PostgreSQL it locks
// the row, so that a token is never added to a user being deleted.
func (us *users) lockUser(ctx context.Context, tx *sql.Tx, id string) error {
	var one string
	err := tx.QueryRowContext(ctx, us.db.q(`SELECT id FROM users WHERE id = ?`+us.db.d.forUpdate), id).Scan(&one)
	return wrap(err, "user %q", id)
}

func (us *users) Rotate(ctx context.Context, next *store.UserToken) error {
	return us.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := us.lockUser(ctx, tx, next.User); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, us.db.q(`UPDATE user_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0`),
			micros(next.CreatedAt), next.User); err != nil {
			return wrap(err, "rotate user token %q", next.User)
		}
		return us.insertToken(ctx, tx, next)
	})
}

func (us *users) RevokeTokens(ctx context.Context, user string, at time.Time) error {
	return us.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := us.lockUser(ctx, tx, user); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, us.db.q(`UPDATE user_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0`), micros(at), user)
		return wrap(err, "revoke user tokens %q", user)
	})
}

// teams

type teams struct {
	db    *db
	users *users
}

const teamCols = `id, name, created_at`

func scanTeam(s scanner) (*store.Team, error) {
	var (
		t       store.Team
		created int64
	)
	if err := s.Scan(&t.ID, &t.Name, &created); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMicros(created)
	return &t, nil
}

const memberCols = `team, user_id, role, created_at`

func scanMember(s scanner) (*store.Member, error) {
	var (
		m       store.Member
		created int64
	)
	if err := s.Scan(&m.Team, &m.User, &m.Role, &created); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMicros(created)
	return &m, nil
}

const inviteCols = `id, team, email, role, created_at`

func scanInvite(s scanner) (*store.Invite, error) {
	var (
		i       store.Invite
		created int64
	)
	if err := s.Scan(&i.ID, &i.Team, &i.Email, &i.Role, &created); err != nil {
		return nil, err
	}
	i.CreatedAt = fromMicros(created)
	return &i, nil
}

// put adds m or changes its role, in tx, after checking team and user.
func (ts *teams) put(ctx context.Context, tx *sql.Tx, m *store.Member) error {
	if err := exists(ctx, tx, ts.db, "team", `SELECT 1 FROM teams WHERE id = ?`+ts.db.d.forUpdate, m.Team); err != nil {
		return err
	}
	if err := ts.users.lockUser(ctx, tx, m.User); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, ts.db.q(`INSERT INTO team_members (`+memberCols+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (team, user_id) DO UPDATE SET role = excluded.role`), m.Team, m.User, string(m.Role), micros(m.CreatedAt))
	return wrap(err, "team %q: member %q", m.Team, m.User)
}

func (ts *teams) Create(ctx context.Context, t *store.Team, owner *store.Member) error {
	return ts.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, ts.db.q(`INSERT INTO teams (`+teamCols+`) VALUES (?, ?, ?)`), t.ID, t.Name, micros(t.CreatedAt))
		if err != nil {
			return wrap(err, "team %q", t.ID)
		}
		if owner == nil {
			return nil
		}
		return ts.put(ctx, tx, owner)
	})
}

func (ts *teams) Get(ctx context.Context, id string) (*store.Team, error) {
	t, err := scanTeam(ts.db.QueryRowContext(ctx, ts.db.q(`SELECT `+teamCols+` FROM teams WHERE id = ?`), id))
	return t, wrap(err, "team %q", id)
}

func (ts *teams) List(ctx context.Context, user string) ([]*store.Team, error) {
	if user == "" {
		return list(ctx, ts.db, scanTeam, "list teams", `SELECT `+teamCols+` FROM teams ORDER BY created_at, id`)
	}
	return list(ctx, ts.db, scanTeam, "list teams", `SELECT t.id, t.name, t.created_at FROM teams t
		JOIN team_members m ON m.team = t.id WHERE m.user_id = ? ORDER BY t.created_at, t.id`, user)
}

func (ts *teams) Rename(ctx context.Context, id, name string) (*store.Team, error) {
	if err := ts.db.mustAffect(ctx, fmt.Sprintf("team %q", id), `UPDATE teams SET name = ? WHERE id = ?`, name, id); err != nil {
		return nil, err
	}
	return ts.Get(ctx, id)
}

func (ts *teams) Delete(ctx context.Context, id string) error {
	return ts.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, ts.db, "team", `SELECT 1 FROM teams WHERE id = ?`+ts.db.d.forUpdate, id); err != nil {
			return err
		}
		var project string
		err := tx.QueryRowContext(ctx, ts.db.q(`SELECT id FROM projects WHERE team = ? LIMIT 1`), id).Scan(&project)
		switch {
		case err == nil:
			return fmt.Errorf("team %q: project %q is assigned to it: %w", id, project, store.ErrConflict)
		case !errors.Is(err, sql.ErrNoRows):
			return wrap(err, "delete team %q", id)
		}
		for _, q := range []string{`DELETE FROM team_members WHERE team = ?`, `DELETE FROM team_invites WHERE team = ?`, `DELETE FROM teams WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, ts.db.q(q), id); err != nil {
				return wrap(err, "delete team %q", id)
			}
		}
		return nil
	})
}

func (ts *teams) PutMember(ctx context.Context, m *store.Member) error {
	return ts.db.inTx(ctx, func(tx *sql.Tx) error { return ts.put(ctx, tx, m) })
}

func (ts *teams) RemoveMember(ctx context.Context, team, user string) error {
	return ts.db.mustAffect(ctx, fmt.Sprintf("team %q: member %q", team, user), `DELETE FROM team_members WHERE team = ? AND user_id = ?`, team, user)
}

func (ts *teams) Member(ctx context.Context, team, user string) (*store.Member, error) {
	m, err := scanMember(ts.db.QueryRowContext(ctx, ts.db.q(`SELECT `+memberCols+` FROM team_members WHERE team = ? AND user_id = ?`), team, user))
	return m, wrap(err, "team %q: member %q", team, user)
}

func (ts *teams) Members(ctx context.Context, team string) ([]*store.Member, error) {
	if _, err := ts.Get(ctx, team); err != nil {
		return nil, err
	}
	return list(ctx, ts.db, scanMember, "list members",
		`SELECT `+memberCols+` FROM team_members WHERE team = ? ORDER BY created_at, user_id`, team)
}

func (ts *teams) Invite(ctx context.Context, inv *store.Invite) error {
	return ts.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, ts.db, "team", `SELECT 1 FROM teams WHERE id = ?`+ts.db.d.forUpdate, inv.Team); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, ts.db.q(`INSERT INTO team_invites (`+inviteCols+`) VALUES (?, ?, ?, ?, ?)`),
			inv.ID, inv.Team, inv.Email, string(inv.Role), micros(inv.CreatedAt))
		return wrap(err, "team %q: invite", inv.Team)
	})
}

func (ts *teams) GetInvite(ctx context.Context, id string) (*store.Invite, error) {
	i, err := scanInvite(ts.db.QueryRowContext(ctx, ts.db.q(`SELECT `+inviteCols+` FROM team_invites WHERE id = ?`), id))
	return i, wrap(err, "invite %q", id)
}

func (ts *teams) Invites(ctx context.Context, team, email string) ([]*store.Invite, error) {
	return list(ctx, ts.db, scanInvite, "list invites", `SELECT `+inviteCols+` FROM team_invites
		WHERE (? = '' OR team = ?) AND (? = '' OR email = ?) ORDER BY created_at, id`, team, team, email, email)
}

func (ts *teams) DeleteInvite(ctx context.Context, id string) error {
	return ts.db.mustAffect(ctx, fmt.Sprintf("invite %q", id), `DELETE FROM team_invites WHERE id = ?`, id)
}

func (ts *teams) Accept(ctx context.Context, inviteID string, m *store.Member) error {
	return ts.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, ts.db.q(`DELETE FROM team_invites WHERE id = ?`), inviteID)
		if err != nil {
			return wrap(err, "accept invite %q", inviteID)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("invite %q: %w", inviteID, store.ErrNotFound)
		}
		return ts.put(ctx, tx, m)
	})
}

// quotas

type quotas struct{ db *db }

const quotaCols = `subject, requests_per_day, requests_per_month, projects`

func scanQuota(s scanner) (*store.Quota, error) {
	var q store.Quota
	if err := s.Scan(&q.Subject, &q.RequestsPerDay, &q.RequestsPerMonth, &q.Projects); err != nil {
		return nil, err
	}
	return &q, nil
}

func (qs *quotas) Put(ctx context.Context, q *store.Quota) error {
	_, err := qs.db.ExecContext(ctx, qs.db.q(`INSERT INTO quotas (`+quotaCols+`) VALUES (?, ?, ?, ?)
		ON CONFLICT (subject) DO UPDATE SET requests_per_day = excluded.requests_per_day,
		requests_per_month = excluded.requests_per_month, projects = excluded.projects`),
		q.Subject, q.RequestsPerDay, q.RequestsPerMonth, q.Projects)
	return wrap(err, "quota %q", q.Subject)
}

func (qs *quotas) Get(ctx context.Context, subject string) (*store.Quota, error) {
	q, err := scanQuota(qs.db.QueryRowContext(ctx, qs.db.q(`SELECT `+quotaCols+` FROM quotas WHERE subject = ?`), subject))
	return q, wrap(err, "quota %q", subject)
}

func (qs *quotas) List(ctx context.Context) ([]*store.Quota, error) {
	return list(ctx, qs.db, scanQuota, "list quotas", `SELECT `+quotaCols+` FROM quotas ORDER BY subject`)
}

func (qs *quotas) Delete(ctx context.Context, subject string) error {
	return qs.db.mustAffect(ctx, fmt.Sprintf("quota %q", subject), `DELETE FROM quotas WHERE subject = ?`, subject)
}

// Add adds the counts in one transaction, each an upsert that returns
// the total.
func (qs *quotas) Add(ctx context.Context, counts []store.Count) ([]int64, error) {
	out := make([]int64, len(counts))
	err := qs.db.inTx(ctx, func(tx *sql.Tx) error {
		for i, c := range counts {
			err := tx.QueryRowContext(ctx, qs.db.q(`INSERT INTO usage_counts (subject, period, n) VALUES (?, ?, ?)
				ON CONFLICT (subject, period) DO UPDATE SET n = usage_counts.n + excluded.n RETURNING n`),
				c.Subject, c.Period, c.N).Scan(&out[i])
			if err != nil {
				return wrap(err, "count %q %q", c.Subject, c.Period)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
