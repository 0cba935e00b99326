package driver

import (
	"context"
	"encoding/json"
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
