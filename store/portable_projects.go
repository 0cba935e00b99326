package store

import (
	"context"
)

// projects is the portable Projects.
type projects struct {
	s *Store
	d Projects
}

// MaxProjectID is the longest project id.
const MaxProjectID = 64

// ValidProjectID says whether id may name a project: 1 to MaxProjectID
// ASCII letters, digits, '-' and '_'. Ids are path segments (/p/{id}/) and
// log fields, so nothing else (no dots, slashes, control characters) is
// accepted. The error is ErrInvalid and names what is wrong.
func ValidProjectID(id string) error {
	if id == "" || len(id) > MaxProjectID {
		return invalid("project id %q: want 1 to %d characters", clip(id, 80), MaxProjectID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return invalid("project id %q: only letters, digits, '-' and '_' are allowed", clip(id, 80))
		}
	}
	return nil
}

func validProject(p *Project) error {
	switch {
	case p == nil:
		return invalid("nil project")
	case p.ID != "" && ValidProjectID(p.ID) != nil:
		return ValidProjectID(p.ID)
	case p.Name == "":
		return invalid("project %q: empty name", p.ID)
	case !p.Visibility.valid():
		return invalid("project %q: visibility %q is not private, public or authenticated", p.ID, p.Visibility)
	case p.SpecFormat != "" && p.SpecFormat != "json" && p.SpecFormat != "yaml":
		return invalid("project %q: spec format %q is not json or yaml", p.ID, p.SpecFormat)
	case len(p.Settings) > 0 && !isObject(p.Settings):
		return invalid("project %q: settings are not a JSON object", p.ID)
	}
	for op, v := range p.OperationVisibility {
		if !v.valid() {
			return invalid("project %q: operation %q: visibility %q is not private, public or authenticated", p.ID, op, v)
		}
	}
	return nil
}

func (p *projects) Create(ctx context.Context, pr *Project) error {
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
	pr.Version = 1
	return p.d.Create(ctx, pr)
}

func (p *projects) Get(ctx context.Context, id string) (*Project, error) {
	if err := p.s.check(); err != nil {
		return nil, err
	}
	if err := ValidProjectID(id); err != nil {
		return nil, err
	}
	return p.d.Get(ctx, id)
}

func (p *projects) Version(ctx context.Context, id string) (int64, error) {
	if err := p.s.check(); err != nil {
		return 0, err
	}
	if id == "" {
		return 0, invalid("empty project id")
	}
	return p.d.Version(ctx, id)
}

func (p *projects) List(ctx context.Context, f ProjectFilter) ([]*Project, error) {
	if err := p.s.check(); err != nil {
		return nil, err
	}
	return p.d.List(ctx, f)
}

func (p *projects) Update(ctx context.Context, pr *Project) error {
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
	return p.d.Update(ctx, pr)
}

func (p *projects) Delete(ctx context.Context, id string) error {
	if err := p.s.check(); err != nil {
		return err
	}
	if id == "" {
		return invalid("empty project id")
	}
	return p.d.Delete(ctx, id)
}
