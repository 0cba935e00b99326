package store

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Visibility says who may call a project's mock (or one of its operations).
type Visibility string

// Visibilities.
const (
	Private       Visibility = "private"       // only the owner and team, with credentials
	Public        Visibility = "public"        // anyone
	Authenticated Visibility = "authenticated" // anyone with a valid key
)

func (v Visibility) valid() bool { return v == Private || v == Public || v == Authenticated }

// Project is an API description and the settings mockapi serves it with.
type Project struct {
	ID   string // assigned by Create when empty
	Name string // required
	// Spec is the raw API description as uploaded; SpecFormat is "json" or "yaml".
	Spec       []byte
	SpecFormat string
	Visibility Visibility // required
	// OperationVisibility overrides Visibility per operation id; nil means none.
	OperationVisibility map[string]Visibility
	Owner, Team         string
	// Settings is a JSON object of project settings; nil means none.
	Settings json.RawMessage
	// Version is set by Create and increases by one on every successful
	// update; Update refuses a project whose Version is not the stored one
	// with ErrConflict. A project created again under the id of a deleted
	// one starts above any version the deleted one reached, so a version
	// names one state of one project.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ProjectFilter narrows Projects.List; empty fields match everything.
type ProjectFilter struct {
	Owner string
	Team  string
}

// Projects stores API projects.
type Projects interface {
	// Create stores p, setting its Version to its first (through a Store,
	// its creation time in microseconds). A duplicate ID is ErrConflict.
	Create(ctx context.Context, p *Project) error
	// Get returns the project with the id, or ErrNotFound.
	Get(ctx context.Context, id string) (*Project, error)
	// Version returns the stored Version of the project, or ErrNotFound. It
	// reads nothing else (no spec), so a server can afford it on every
	// request to see a change made by another instance.
	Version(ctx context.Context, id string) (int64, error)
	// List returns the projects that match f, ordered by id.
	List(ctx context.Context, f ProjectFilter) ([]*Project, error)
	// Update replaces the stored project p.ID if its version is p.Version,
	// and increments p.Version; otherwise ErrConflict (or ErrNotFound).
	Update(ctx context.Context, p *Project) error
	// Delete removes the project, or returns ErrNotFound, and in the same
	// transaction its records (base data and every session's), its share
	// links and its request-log entries, and takes the id out of every
	// key's scope, so a project that later reuses the id accepts none of
	// them. A key scoped to that project alone is revoked (an empty scope
	// would mean every project).
	Delete(ctx context.Context, id string) error
}

// Key is an API key. The secret itself is never stored: only its hash and a
// short prefix that lets people recognise the key in a list.
type Key struct {
	ID     string // assigned by Create when empty
	Hash   string // hash of the secret, required, unique
	Prefix string // non-secret leading characters of the secret
	Name   string
	Owner  string
	// Projects the key may call; empty means every project.
	Projects   []string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time // zero: not revoked
	LastUsedAt time.Time // zero: never used (may lag; see Keys.Touch)
}

// Active reports whether k may be used at the given time.
func (k *Key) Active(now time.Time) bool {
	return k.RevokedAt.IsZero() && (k.ExpiresAt.IsZero() || now.Before(k.ExpiresAt))
}

// Allows reports whether k is scoped to the project.
func (k *Key) Allows(project string) bool {
	return len(k.Projects) == 0 || slices.Contains(k.Projects, project)
}

// Keys stores API keys.
type Keys interface {
	// Create stores k. A duplicate ID or Hash is ErrConflict.
	Create(ctx context.Context, k *Key) error
	// Get returns the key with the id, in any state, or ErrNotFound.
	Get(ctx context.Context, id string) (*Key, error)
	// Lookup returns the key with the hash. Through a Store, a revoked or
	// expired key is ErrNotFound, on every instance sharing the database.
	Lookup(ctx context.Context, hash string) (*Key, error)
	// List returns the keys of an owner (all keys when owner is empty),
	// ordered by creation time then id.
	List(ctx context.Context, owner string) ([]*Key, error)
	// Revoke marks the key revoked at the time; revoking twice keeps the
	// first time. An unknown id is ErrNotFound.
	Revoke(ctx context.Context, id string, at time.Time) error
	// Rotate creates next and, in the same transaction, makes the old key
	// expire at expires (a zero time revokes it at once). next inherits
	// nothing; the caller copies name, owner and scope. Through a Store, a
	// revoked or expired old key is ErrNotFound, and next expires no later
	// than the old key: rotation never extends a key's life.
	Rotate(ctx context.Context, oldID string, next *Key, expires time.Time) error
	// Touch records that the key was used at the time. Backends store the
	// later of the stored and given time. Through a Store, touches are
	// coalesced in memory and written at most once per key per flush.
	Touch(ctx context.Context, id string, at time.Time) error
}

// Link is a share link: a token that opens one project's mock to visitors.
type Link struct {
	ID      string // assigned by Create when empty
	Project string // required
	Hash    string // hash of the token, required, unique
	Prefix  string // non-secret leading characters of the token
	Name    string
	// TokenRequired says whether visitors must present the token; when false
	// the link only names the project's public mock.
	TokenRequired bool
	CreatedAt     time.Time
	ExpiresAt     time.Time // zero: never
	RevokedAt     time.Time // zero: not revoked
}

// Active reports whether l may be used at the given time.
func (l *Link) Active(now time.Time) bool {
	return l.RevokedAt.IsZero() && (l.ExpiresAt.IsZero() || now.Before(l.ExpiresAt))
}

// Links stores share links.
type Links interface {
	// Create stores l. A duplicate ID or Hash is ErrConflict.
	Create(ctx context.Context, l *Link) error
	// Get returns the link with the id, in any state, or ErrNotFound.
	Get(ctx context.Context, id string) (*Link, error)
	// Lookup returns the link with the hash. Through a Store, a revoked or
	// expired link is ErrNotFound.
	Lookup(ctx context.Context, hash string) (*Link, error)
	// List returns the links of a project (all when project is empty),
	// ordered by creation time then id.
	List(ctx context.Context, project string) ([]*Link, error)
	// Revoke marks the link revoked at the time; revoking twice keeps the
	// first time.
	Revoke(ctx context.Context, id string, at time.Time) error
	// Regenerate replaces the link's hash and prefix in one step: from its
	// return on, the old token finds nothing. A revoked link is ErrNotFound;
	// a hash already in use is ErrConflict.
	Regenerate(ctx context.Context, id, hash, prefix string) (*Link, error)
}
