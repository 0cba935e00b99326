package sqlcore

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema versions in order; migration i is version i+1.
// Never edit one that has shipped: append a new one.
var migrations = []func(d *Dialect) []string{
	func(d *Dialect) []string {
		return []string{
			`CREATE TABLE projects (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				spec ` + d.blob + `,
				spec_format TEXT NOT NULL DEFAULT '',
				visibility TEXT NOT NULL,
				operation_visibility TEXT NOT NULL DEFAULT '',
				owner TEXT NOT NULL DEFAULT '',
				team TEXT NOT NULL DEFAULT '',
				settings TEXT NOT NULL DEFAULT '',
				version BIGINT NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			`CREATE INDEX projects_owner ON projects (owner)`,
			`CREATE TABLE api_keys (
				id TEXT PRIMARY KEY,
				hash TEXT NOT NULL UNIQUE,
				prefix TEXT NOT NULL DEFAULT '',
				name TEXT NOT NULL DEFAULT '',
				owner TEXT NOT NULL DEFAULT '',
				projects TEXT NOT NULL DEFAULT '',
				created_at BIGINT NOT NULL,
				expires_at BIGINT NOT NULL DEFAULT 0,
				revoked_at BIGINT NOT NULL DEFAULT 0,
				last_used_at BIGINT NOT NULL DEFAULT 0)`,
			`CREATE INDEX api_keys_owner ON api_keys (owner, created_at)`,
			`CREATE TABLE share_links (
				id TEXT PRIMARY KEY,
				project TEXT NOT NULL,
				hash TEXT NOT NULL UNIQUE,
				prefix TEXT NOT NULL DEFAULT '',
				name TEXT NOT NULL DEFAULT '',
				token_required BOOLEAN NOT NULL,
				created_at BIGINT NOT NULL,
				expires_at BIGINT NOT NULL DEFAULT 0,
				revoked_at BIGINT NOT NULL DEFAULT 0)`,
			`CREATE INDEX share_links_project ON share_links (project, created_at)`,
			`CREATE TABLE records (
				project TEXT NOT NULL,
				collection TEXT NOT NULL,
				session TEXT NOT NULL,
				id TEXT NOT NULL,
				data ` + d.json + ` NOT NULL,
				deleted BOOLEAN NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL,
				PRIMARY KEY (project, collection, session, id))`,
			`CREATE INDEX records_session ON records (project, session)`,
			`CREATE TABLE request_log (
				id ` + d.serial + `,
				time BIGINT NOT NULL,
				project TEXT NOT NULL,
				operation TEXT NOT NULL,
				method TEXT NOT NULL,
				path TEXT NOT NULL,
				status INTEGER NOT NULL,
				latency BIGINT NOT NULL,
				key_id TEXT NOT NULL,
				link_id TEXT NOT NULL,
				session TEXT NOT NULL)`,
			`CREATE INDEX request_log_project_time ON request_log (project, time)`,
			`CREATE INDEX request_log_time ON request_log (time)`,
		}
	},
	func(d *Dialect) []string {
		if d.Name != "postgres" {
			return nil // SQLite cannot index a JSON field named by a bind parameter
		}
		// Equality conditions on record fields are containment (@>)
		// queries this index serves; it costs every record write an
		// index update (batched by GIN's pending list).
		return []string{`CREATE INDEX records_data ON records USING GIN (data jsonb_path_ops)`}
	},
	func(d *Dialect) []string {
		// The number of base records per collection, kept by every write
		// in its own transaction, so that an unfiltered Count (the total
		// of every list page) reads one row instead of the collection.
		return []string{
			`CREATE TABLE record_counts (
				project TEXT NOT NULL,
				collection TEXT NOT NULL,
				n BIGINT NOT NULL,
				PRIMARY KEY (project, collection))`,
			`INSERT INTO record_counts (project, collection, n)
				SELECT project, collection, COUNT(*) FROM records WHERE session = '' AND NOT deleted GROUP BY project, collection`,
		}
	},
	func(d *Dialect) []string {
		if d.Name != "postgres" {
			return nil // SQLite has no notifications: readers read the version
		}
		// Every committed change to a project notifies the channel that
		// the PostgreSQL driver listens on (package postgres: Watch), so
		// that instances need not read a project's version per request.
		// The payload is the table's schema, '.', the project id: several
		// schemas of one database share the channel.
		return []string{
			`CREATE OR REPLACE FUNCTION mockapi_project_changed() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP = 'DELETE' THEN
					PERFORM pg_notify('` + ProjectsChannel + `', TG_TABLE_SCHEMA || '.' || OLD.id);
				ELSE
					PERFORM pg_notify('` + ProjectsChannel + `', TG_TABLE_SCHEMA || '.' || NEW.id);
				END IF;
				RETURN NULL;
			END $$`,
			`CREATE TRIGGER projects_changed AFTER INSERT OR UPDATE OR DELETE ON projects
				FOR EACH ROW EXECUTE PROCEDURE mockapi_project_changed()`,
		}
	},
	func(d *Dialect) []string {
		// Keys can be deactivated and links disabled, and both undone:
		// unlike revoked_at, these times are cleared again. A link may
		// bound each visitor (visitor_per in nanoseconds).
		return []string{
			`ALTER TABLE api_keys ADD COLUMN deactivated_at BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE share_links ADD COLUMN disabled_at BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE share_links ADD COLUMN visitor_requests INTEGER NOT NULL DEFAULT 0`,
			`ALTER TABLE share_links ADD COLUMN visitor_per BIGINT NOT NULL DEFAULT 0`,
		}
	},
	func(d *Dialect) []string {
		// The request log keeps the caller's address and user agent;
		// entries written before have neither.
		return []string{
			`ALTER TABLE request_log ADD COLUMN client TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE request_log ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''`,
		}
	},
	func(d *Dialect) []string {
		// Users, their tokens (hashes only), teams, memberships, invites,
		// quotas and usage counters. A team's projects are the projects
		// whose team column names it.
		return []string{
			`CREATE TABLE users (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL DEFAULT '',
				email TEXT NOT NULL UNIQUE,
				created_at BIGINT NOT NULL)`,
			`CREATE TABLE user_tokens (
				id TEXT PRIMARY KEY,
				user_id TEXT NOT NULL,
				hash TEXT NOT NULL UNIQUE,
				prefix TEXT NOT NULL DEFAULT '',
				created_at BIGINT NOT NULL,
				revoked_at BIGINT NOT NULL DEFAULT 0)`,
			`CREATE INDEX user_tokens_user ON user_tokens (user_id, created_at)`,
			`CREATE TABLE teams (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				created_at BIGINT NOT NULL)`,
			`CREATE TABLE team_members (
				team TEXT NOT NULL,
				user_id TEXT NOT NULL,
				role TEXT NOT NULL,
				created_at BIGINT NOT NULL,
				PRIMARY KEY (team, user_id))`,
			`CREATE INDEX team_members_user ON team_members (user_id)`,
			`CREATE TABLE team_invites (
				id TEXT PRIMARY KEY,
				team TEXT NOT NULL,
				email TEXT NOT NULL,
				role TEXT NOT NULL,
				created_at BIGINT NOT NULL,
				UNIQUE (team, email))`,
			`CREATE INDEX team_invites_email ON team_invites (email)`,
			`CREATE INDEX projects_team ON projects (team)`,
			`CREATE TABLE quotas (
				subject TEXT PRIMARY KEY,
				requests_per_day BIGINT NOT NULL DEFAULT 0,
				requests_per_month BIGINT NOT NULL DEFAULT 0,
				projects BIGINT NOT NULL DEFAULT 0)`,
			`CREATE TABLE usage_counts (
				subject TEXT NOT NULL,
				period TEXT NOT NULL,
				n BIGINT NOT NULL,
				PRIMARY KEY (subject, period))`,
		}
	},
	func(d *Dialect) []string {
		// With an upstream (package mock/proxy) the log says who answered
		// and how the real API drifted from the description.
		return []string{
			`ALTER TABLE request_log ADD COLUMN source TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE request_log ADD COLUMN drift TEXT NOT NULL DEFAULT ''`,
		}
	},
	func(d *Dialect) []string {
		if d.Name != "postgres" {
			return nil // SQLite reads a record by its primary key as it is
		}
		// records_session serves the calls on one session's rows (delete
		// a session, reset in one), which say session <> ''. Over every
		// row it was, to PostgreSQL without statistics on records (a new
		// table, or one autovacuum has not analyzed yet), as good a way to
		// a record as the primary key and smaller: a read probed it for
		// (project, session) and filtered the whole collection. Over
		// session rows only it is no way to a base record, and no base
		// record write updates it.
		return []string{
			`DROP INDEX records_session`,
			`CREATE INDEX records_session ON records (project, session) WHERE session <> ''`,
		}
	},
}

// ProjectsChannel is the PostgreSQL notification channel that a trigger
// on the projects table notifies, after commit, with "schema.id" of each
// project created, updated or deleted.
const ProjectsChannel = "mockapi_projects"

// migrate applies the migrations the database lacks, holding a lock that
// keeps another process from migrating at the same time.
func migrate(ctx context.Context, db *db) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil) // IMMEDIATE on SQLite: the write lock
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	if db.d == Postgres {
		// Any constant will do, as long as every mockapi process uses it.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7283650401)`); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if int(have.Int64) > len(migrations) {
		return fmt.Errorf("migrate: database schema version %d is newer than this program's %d", have.Int64, len(migrations))
	}
	for v := int(have.Int64) + 1; v <= len(migrations); v++ {
		for _, stmt := range migrations[v-1](db.d) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate: version %d: %w", v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, nowMicros()); err != nil {
			return fmt.Errorf("migrate: record version %d: %w", v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}
