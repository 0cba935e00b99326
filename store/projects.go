package store

import (
	"context"
	"github.com/mockapi-go/mockapi/store/driver"
	"sync/atomic"
	"time"
)

// Visibility says who may call a project's mock (or one of its operations).
type Visibility = driver.Visibility

// Visibilities.
const (
	Private       = driver.Private       // only the owner and team, with credentials
	Public        = driver.Public        // anyone
	Authenticated = driver.Authenticated // anyone with a valid key
)

// Project is an API description and the settings mockapi serves it with:
// name, raw spec and its format, visibility (per project and per
// operation), owner, team, settings, and the Version that Update checks.
// Its fields are documented on driver.Project.
type Project = driver.Project

// ProjectFilter narrows Projects.List; empty fields match everything.
type ProjectFilter = driver.ProjectFilter

// Projects stores API projects: the type a Store's Projects returns, over
// any backend. It is safe for concurrent use.
type Projects struct {
	s *Store
	d driver.Projects
}

// MaxProjectID is the longest project id.
const MaxProjectID = 64

// ValidProjectID says whether id may name a project: 1 to MaxProjectID
// ASCII letters, digits, '-' and '_'. Ids are path segments (/p/{id}/) and
// log fields, so nothing else (no dots, slashes, control characters) is
// accepted. The error is ErrInvalid and names what is wrong.
func ValidProjectID(id string) error { return validID("project", id) }

// validID checks an id of the kind: project ids and team ids have the
// same shape.
func validID(kind, id string) error {
	if id == "" || len(id) > MaxProjectID {
		return invalid("%s id %q: want 1 to %d characters", kind, clip(id, 80), MaxProjectID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return invalid("%s id %q: only letters, digits, '-' and '_' are allowed", kind, clip(id, 80))
		}
	}
	return nil
}

func validVisibility(v Visibility) bool {
	return v == Private || v == Public || v == Authenticated
}

func validProject(p *Project) error {
	switch {
	case p == nil:
		return invalid("nil project")
	case p.ID != "" && ValidProjectID(p.ID) != nil:
		return ValidProjectID(p.ID)
	case p.Name == "":
		return invalid("project %q: empty name", p.ID)
	case !validVisibility(p.Visibility):
		return invalid("project %q: visibility %q is not private, public or authenticated", p.ID, p.Visibility)
	case p.SpecFormat != "" && p.SpecFormat != "json" && p.SpecFormat != "yaml":
		return invalid("project %q: spec format %q is not json or yaml", p.ID, p.SpecFormat)
	case len(p.Settings) > 0 && !isObject(p.Settings):
		return invalid("project %q: settings are not a JSON object", p.ID)
	}
	for op, v := range p.OperationVisibility {
		if !validVisibility(v) {
			return invalid("project %q: operation %q: visibility %q is not private, public or authenticated", p.ID, op, v)
		}
	}
	return nil
}

// Create stores p, setting its Version to its first: its creation time in
// microseconds, above any version a deleted project of the same id
// reached. A duplicate ID is ErrConflict.
func (p *Projects) Create(ctx context.Context, pr *Project) error {
	if err := p.s.check(); err != nil {
		return err
	}
	if err := validProject(pr); err != nil {
		return err
	}
	if pr.ID == "" {
		pr.ID = NewID()
	}
	pr.CreatedAt = p.s.now()
	pr.UpdatedAt = pr.CreatedAt
	pr.Version = firstVersion(pr.CreatedAt)
	defer p.changed(pr.ID)
	return p.d.Create(ctx, pr)
}

// changed forgets what the Store remembers of a project's version once
// it has changed it (or tried to), so that this Store's next Version reads
// the database without waiting for its watch to report the change.
func (p *Projects) changed(id string) {
	if p.s.versions != nil {
		p.s.versions.changed(id)
	}
}

// lastFirstVersion is the latest firstVersion handed out in this process.
var lastFirstVersion atomic.Int64

// firstVersion is the Version of a project created at t: its time in
// microseconds, and above any first version this process gave before. A
// project deleted and created again under the same id so starts at a
// version the earlier one did not reach (it would take an update per
// microsecond), and a Server that compares versions only, on any
// instance, sees the new project as new.
func firstVersion(t time.Time) int64 {
	for {
		last := lastFirstVersion.Load()
		v := max(t.UnixMicro(), last+1, 1)
		if lastFirstVersion.CompareAndSwap(last, v) {
			return v
		}
	}
}

// Get returns the project with the id, or ErrNotFound.
func (p *Projects) Get(ctx context.Context, id string) (*Project, error) {
	if err := p.s.check(); err != nil {
		return nil, err
	}
	if err := ValidProjectID(id); err != nil {
		return nil, err
	}
	return p.d.Get(ctx, id)
}

// Version returns the stored Version of the project, or ErrNotFound. It
// reads nothing else (no spec), so a server can afford it on every
// request to see a change made by another instance.
//
// Over a backend that reports changes (driver.Watcher: PostgreSQL), it
// reads the database once per project and version: while the Store
// listens, it answers the version it read last until the backend reports
// that the project changed, a report that follows the change's commit
// (within a millisecond or so on one network) rather than precedes the
// next call. A change made through this Store is seen by its next call.
// Absence (ErrNotFound) is never remembered. While the Store is not
// listening (before its first call, or after the connection it listens
// on broke, until it listens again) every call reads the database.
func (p *Projects) Version(ctx context.Context, id string) (int64, error) {
	if err := p.s.check(); err != nil {
		return 0, err
	}
	if id == "" {
		return 0, invalid("empty project id")
	}
	vs := p.s.versions
	if vs == nil {
		return p.d.Version(ctx, id)
	}
	v, epoch, ok := vs.get(id)
	if ok {
		return v, nil
	}
	v, err := p.d.Version(ctx, id)
	if err == nil {
		vs.put(id, v, epoch)
	}
	return v, err
}

// List returns the projects that match f, ordered by id.
func (p *Projects) List(ctx context.Context, f ProjectFilter) ([]*Project, error) {
	if err := p.s.check(); err != nil {
		return nil, err
	}
	return p.d.List(ctx, f)
}

// Update replaces the stored project p.ID if its version is p.Version,
// and increments p.Version; otherwise ErrConflict (or ErrNotFound).
func (p *Projects) Update(ctx context.Context, pr *Project) error {
	if err := p.s.check(); err != nil {
		return err
	}
	if err := validProject(pr); err != nil {
		return err
	}
	if pr.ID == "" {
		return invalid("update: empty project id")
	}
	if pr.Version < 1 {
		return invalid("project %q: update without a version", pr.ID)
	}
	pr.UpdatedAt = p.s.now()
	defer p.changed(pr.ID)
	return p.d.Update(ctx, pr)
}

// Delete removes the project, or returns ErrNotFound, and in the same
// transaction its records (base data and every session's), its share
// links and its request-log entries, and takes the id out of every
// key's scope, so a project that later reuses the id accepts none of
// them. A key scoped to that project alone is revoked (an empty scope
// would mean every project).
func (p *Projects) Delete(ctx context.Context, id string) error {
	if err := p.s.check(); err != nil {
		return err
	}
	if id == "" {
		return invalid("empty project id")
	}
	defer p.changed(id)
	return p.d.Delete(ctx, id)
}
