package mockapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/mockapi-go/mockapi/mock/rules"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// Project is a hosted project as the Server's Go API shows it: what is
// stored, with its settings typed, and without the description's bytes.
type Project struct {
	ID         string
	Name       string
	Visibility store.Visibility
	// OperationVisibility overrides Visibility per operationId; nil means
	// none.
	OperationVisibility map[string]store.Visibility
	Owner, Team         string
	Settings            Settings
	// SettingsErr is why the stored settings could not be read, when they
	// could not (then Settings is the zero value, and the project is not
	// served until an update writes valid settings).
	SettingsErr error
	// Version starts at the creation time in microseconds (so a project
	// deleted and created again never repeats one) and increases by one on
	// every update. Compare versions; do not expect 1.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func projectOf(p *store.Project) *Project {
	out := &Project{ID: p.ID, Name: p.Name, Visibility: p.Visibility, Owner: p.Owner, Team: p.Team,
		Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if len(p.OperationVisibility) > 0 {
		out.OperationVisibility = maps.Clone(p.OperationVisibility)
	}
	out.Settings, out.SettingsErr = decodeSettings(p.Settings)
	return out
}

// NewProject is what CreateProject needs.
type NewProject struct {
	// ID is the project's id, [A-Za-z0-9_-]{1,64}. Empty: one is made.
	ID string
	// Name labels the project. Empty: the description's info.title, which
	// then must not be empty.
	Name string
	// Spec is the API description, OpenAPI 3.x or Swagger 2.0, JSON or
	// YAML, in one document (openapi.Bundle makes one of several files).
	Spec []byte
	// Visibility is who may call the project. Empty: store.Private.
	Visibility store.Visibility
	// Owner and Team are matched by auth.Membership.
	Owner, Team string
	// Settings are the project's settings; the zero value is the
	// defaults.
	Settings Settings
}

// ProjectUpdate is a change to a project; nil and empty fields leave what
// they name as it is.
type ProjectUpdate struct {
	Name       *string
	Visibility *store.Visibility
	// ClearOperationVisibility removes every override, before
	// OperationVisibility is applied.
	ClearOperationVisibility bool
	// OperationVisibility sets overrides by operationId; auth.Inherit (or
	// "") removes one. Every operation named must be in the description.
	OperationVisibility map[string]store.Visibility
	Owner, Team         *string
	// AllowQueryToken sets Settings.AllowQueryToken.
	AllowQueryToken *bool
	// RateLimit sets Settings.RateLimit; a zero RateLimit removes the
	// limit.
	RateLimit *RateLimit
	// Sharing false sets Settings.SharingOff, stopping every share link
	// of the project; true lets them work again.
	Sharing *bool
	// SeedRecords sets Settings.SeedRecords: 0 is the Server's default,
	// NoSeedRecords none.
	SeedRecords *int
	// Callbacks sets Settings.Callbacks; a zero Callbacks turns them off.
	Callbacks *Callbacks
	// Rules sets Settings.Rules, checked against the spec; a non-nil
	// empty map removes them all.
	Rules map[string][]rules.Rule
	// Settings replaces every setting, before AllowQueryToken, RateLimit,
	// Sharing and SeedRecords are applied. It also repairs stored settings that cannot
	// be read.
	Settings *Settings
}

func checkVisibility(field string, v store.Visibility) error {
	switch v {
	case store.Private, store.Public, store.Authenticated:
		return nil
	}
	return invalidf(field, nil, "%q is not private, public or authenticated", v)
}

// parseSpec checks that a description loads.
func parseSpec(ctx context.Context, name string, spec []byte) (*openapi.Document, error) {
	if len(bytes.TrimSpace(spec)) == 0 {
		return nil, invalidf("spec", nil, "is empty")
	}
	doc, err := openapi.Parse(ctx, spec, openapi.WithName(name))
	if err != nil {
		return nil, invalidf("spec", err, "%v", err)
	}
	return doc, nil
}

func specFormat(spec []byte) string {
	if b := bytes.TrimSpace(spec); len(b) > 0 && b[0] == '{' {
		return "json"
	}
	return "yaml"
}

// checkOverrides refuses operation visibility overrides that name
// operations doc does not have: keyed by operationId, they would silently
// stop applying (a private operation renamed in a new spec would fall back
// to the project's visibility).
func checkOverrides(doc *openapi.Document, over map[string]store.Visibility) error {
	var stale []string
	for op := range over {
		if doc.Operation(op) == nil {
			stale = append(stale, strconv.Quote(op))
		}
	}
	if len(stale) == 0 {
		return nil
	}
	slices.Sort(stale)
	return invalidf("operation_visibility", nil, "names operations the spec does not have: %s; "+
		"set them to \"inherit\" (PATCH operation_visibility) before the spec drops or renames them", strings.Join(stale, ", "))
}

// CreateProject checks a new project (its visibility, name, id,
// description and settings, each refused with a *ValidationError) and
// stores it; a taken id is ErrConflict. The description is compiled at
// once, so the first request parses nothing.
func (s *Server) CreateProject(ctx context.Context, in NewProject) (*Project, error) {
	if in.Visibility == "" {
		in.Visibility = store.Private
	}
	if err := checkVisibility("visibility", in.Visibility); err != nil {
		return nil, err
	}
	if in.Name != "" && strings.TrimSpace(in.Name) == "" {
		return nil, invalidf("name", nil, "is blank")
	}
	if in.ID != "" {
		if err := store.ValidProjectID(in.ID); err != nil {
			return nil, invalidf("id", err, "%s", strings.TrimPrefix(err.Error(), store.ErrInvalid.Error()+": "))
		}
	}
	doc, err := parseSpec(ctx, "spec", in.Spec)
	if err != nil {
		return nil, err
	}
	if in.Name == "" {
		in.Name = doc.Info().Title
		if strings.TrimSpace(in.Name) == "" {
			return nil, invalidf("name", nil, "is required when the spec has no info.title")
		}
	}
	set, err := encodeSettings(in.Settings)
	if err != nil {
		return nil, err
	}
	if err := s.checkCallbacks(in.Settings.Callbacks); err != nil {
		return nil, err
	}
	if err := checkRules(doc, in.Settings.Rules); err != nil {
		return nil, err
	}
	p := &store.Project{ID: in.ID, Name: in.Name, Spec: in.Spec, SpecFormat: specFormat(in.Spec), Visibility: in.Visibility,
		Owner: in.Owner, Team: in.Team, Settings: set}
	if err := s.checkProjectQuota(ctx, in.Owner); err != nil {
		return nil, err
	}
	if err := s.st.Projects().Create(ctx, p); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, fmt.Errorf("%w: a project with id %q already exists", ErrConflict, p.ID)
		}
		return nil, err
	}
	if err := s.prepare(p, doc); err != nil {
		s.logger.Warn("mockapi: compiling a project failed", "project", p.ID, "err", err)
	}
	return projectOf(p), nil
}

// PutProject creates the project id from a description, or updates its
// name, description and visibility when they differ: what the mock server
// does with -spec. An empty name is the description's title. The spec is
// one document: a description written over several files is refused with
// openapi.ErrExternalRef, and openapi.Bundle makes it one. The description
// must load, and must still have every operation the project's visibility
// overrides name (else a *ValidationError).
func (s *Server) PutProject(ctx context.Context, id, name string, spec []byte, vis store.Visibility) (*Project, error) {
	if err := checkVisibility("visibility", vis); err != nil {
		return nil, err
	}
	doc, err := openapi.Parse(ctx, spec, openapi.WithName(id+"."+specFormat(spec)))
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = id
		if t := doc.Info().Title; t != "" {
			name = t
		}
	}
	p, err := s.putProject(ctx, id, name, spec, vis, doc)
	if err != nil {
		return nil, err
	}
	// The description was parsed above: compile this version from it, so
	// that the first request does not parse it again.
	if err := s.prepare(p, doc); err != nil {
		return nil, err
	}
	return projectOf(p), nil
}

func (s *Server) putProject(ctx context.Context, id, name string, spec []byte, vis store.Visibility, doc *openapi.Document) (*store.Project, error) {
	for range 5 {
		p, err := s.st.Projects().Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			p = &store.Project{ID: id, Name: name, Spec: spec, SpecFormat: specFormat(spec), Visibility: vis}
			if err = s.st.Projects().Create(ctx, p); errors.Is(err, store.ErrConflict) {
				continue
			}
			return p, err
		}
		if err != nil {
			return nil, err
		}
		if bytes.Equal(p.Spec, spec) && p.Name == name && p.Visibility == vis {
			return p, nil
		}
		if err := checkOverrides(doc, p.OperationVisibility); err != nil {
			return nil, fmt.Errorf("mockapi: project %s: %w", id, err)
		}
		p.Name, p.Spec, p.SpecFormat, p.Visibility = name, spec, specFormat(spec), vis
		if err = s.st.Projects().Update(ctx, p); errors.Is(err, store.ErrConflict) {
			continue
		}
		return p, err
	}
	return nil, fmt.Errorf("mockapi: project %s: %w", id, store.ErrConflict)
}

// Project returns a project, or ErrNotFound.
func (s *Server) Project(ctx context.Context, id string) (*Project, error) {
	p, err := s.st.Projects().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return projectOf(p), nil
}

// ListProjects returns the projects f matches, ordered by id.
func (s *Server) ListProjects(ctx context.Context, f store.ProjectFilter) ([]*Project, error) {
	ps, err := s.st.Projects().List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]*Project, 0, len(ps))
	for _, p := range ps {
		out = append(out, projectOf(p))
	}
	return out, nil
}

// UpdateProject applies u to a project, retrying when another writer
// (another instance, say) got there first. Input out of range is a
// *ValidationError and changes nothing; an unknown project is ErrNotFound;
// a project that keeps changing is ErrConflict.
func (s *Server) UpdateProject(ctx context.Context, id string, u ProjectUpdate) (*Project, error) {
	if u.Name != nil && strings.TrimSpace(*u.Name) == "" {
		return nil, invalidf("name", nil, "may not be empty")
	}
	if u.Visibility != nil {
		if err := checkVisibility("visibility", *u.Visibility); err != nil {
			return nil, err
		}
	}
	for op, v := range u.OperationVisibility {
		if v != auth.Inherit && v != "" {
			if err := checkVisibility("operation_visibility", v); err != nil {
				return nil, invalidf("operation_visibility", nil, "%q for %s is not public, private, authenticated or inherit", v, op)
			}
		}
	}
	if u.Settings != nil {
		if err := u.Settings.Validate(); err != nil {
			return nil, err
		}
		if err := s.checkCallbacks(u.Settings.Callbacks); err != nil {
			return nil, err
		}
	}
	if u.Callbacks != nil && !u.Callbacks.isZero() {
		if err := s.checkCallbacks(u.Callbacks); err != nil {
			return nil, err
		}
	}
	if u.RateLimit != nil {
		if err := u.RateLimit.Validate(); err != nil {
			return nil, err
		}
	}
	if u.SeedRecords != nil {
		if err := (Settings{SeedRecords: *u.SeedRecords}).Validate(); err != nil {
			return nil, err
		}
	}
	p, err := s.update(ctx, id, nil, func(p *store.Project) error { return s.apply(ctx, p, u) })
	if err != nil {
		return nil, err
	}
	return projectOf(p), nil
}

// apply makes the changes of u to p.
func (s *Server) apply(ctx context.Context, p *store.Project, u ProjectUpdate) error {
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Visibility != nil {
		p.Visibility = *u.Visibility
	}
	if u.ClearOperationVisibility {
		p.OperationVisibility = nil
	}
	if len(u.OperationVisibility) > 0 {
		doc, err := s.document(ctx, p)
		if err != nil {
			return err
		}
		over := maps.Clone(p.OperationVisibility)
		if over == nil {
			over = map[string]store.Visibility{}
		}
		for op, v := range u.OperationVisibility {
			if v == auth.Inherit || v == "" {
				delete(over, op)
				continue
			}
			if doc.Operation(op) == nil {
				return invalidf("operation_visibility", nil, "the project has no operation %q", op)
			}
			over[op] = v
		}
		if err := checkOverrides(doc, over); err != nil {
			return err
		}
		p.OperationVisibility = over
		if len(over) == 0 {
			p.OperationVisibility = nil
		}
	}
	if u.Owner != nil {
		if *u.Owner != p.Owner {
			// The new owner's projects quota counts this one from now on.
			if err := s.checkProjectQuota(ctx, *u.Owner); err != nil {
				return err
			}
		}
		p.Owner = *u.Owner
	}
	if u.Team != nil {
		p.Team = *u.Team
	}
	if u.Settings != nil || u.AllowQueryToken != nil || u.RateLimit != nil || u.Sharing != nil || u.SeedRecords != nil || u.Callbacks != nil || u.Rules != nil {
		var set Settings
		if u.Settings != nil {
			set = *u.Settings
		} else {
			var err error
			if set, err = decodeSettings(p.Settings); err != nil {
				// Changing one setting keeps the others: they must be
				// readable. Settings (all of them) repairs the blob.
				return invalidf("settings", err, "the stored settings cannot be read (%v); set them all to repair them", err)
			}
		}
		if u.AllowQueryToken != nil {
			set.AllowQueryToken = *u.AllowQueryToken
		}
		if u.RateLimit != nil {
			set.RateLimit = *u.RateLimit
		}
		if u.Sharing != nil {
			set.SharingOff = !*u.Sharing
		}
		if u.Callbacks != nil {
			set.Callbacks = u.Callbacks
			if u.Callbacks.isZero() {
				set.Callbacks = nil
			}
		}
		if u.SeedRecords != nil {
			set.SeedRecords = *u.SeedRecords
		}
		if u.Rules != nil {
			set.Rules = u.Rules
			if len(u.Rules) == 0 {
				set.Rules = nil
			}
		}
		if (u.Rules != nil || u.Settings != nil) && len(set.Rules) > 0 {
			doc, err := s.document(ctx, p)
			if err != nil {
				return err
			}
			if err := checkRules(doc, set.Rules); err != nil {
				return err
			}
		}
		b, err := encodeSettings(set)
		if err != nil {
			return err
		}
		p.Settings = b
	}
	return nil
}

// SetSpec replaces a project's description. The new description must load
// and must still have every operation the project's visibility overrides
// name (else a *ValidationError). It is compiled at once.
func (s *Server) SetSpec(ctx context.Context, id string, spec []byte) (*Project, error) {
	doc, err := parseSpec(ctx, "spec", spec)
	if err != nil {
		return nil, err
	}
	p, err := s.update(ctx, id, doc, func(p *store.Project) error {
		if err := checkOverrides(doc, p.OperationVisibility); err != nil {
			return err
		}
		if set, err := decodeSettings(p.Settings); err == nil && len(set.Rules) > 0 {
			if err := checkRules(doc, set.Rules); err != nil {
				return fmt.Errorf("%w; change or remove the project's rules (PATCH rules) before the spec drops what they need", err)
			}
		}
		p.Spec, p.SpecFormat = spec, specFormat(spec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return projectOf(p), nil
}

// update applies change to the stored project, retrying when another
// writer got there first. A new spec's parsed document, when given, is
// compiled at once, so that nothing parses it again.
func (s *Server) update(ctx context.Context, id string, doc *openapi.Document, change func(*store.Project) error) (*store.Project, error) {
	for range 5 {
		p, err := s.st.Projects().Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := change(p); err != nil {
			return nil, err
		}
		err = s.st.Projects().Update(ctx, p)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			if err := s.prepare(p, doc); err != nil {
				s.logger.Warn("mockapi: compiling a project failed", "project", p.ID, "err", err)
			}
		}
		return p, nil
	}
	return nil, fmt.Errorf("mockapi: project %s keeps changing; try again: %w", id, ErrConflict)
}

// DeleteProject deletes a project with its data, share links and request
// log (store.Projects.Delete), or returns ErrNotFound. Every Server on the
// same store stops serving it from its next request.
func (s *Server) DeleteProject(ctx context.Context, id string) error {
	if err := s.st.Projects().Delete(ctx, id); err != nil {
		return err
	}
	s.forget(id)
	return nil
}

// ResetProject restores a project's data to its seed: every session's
// writes and the base data's.
func (s *Server) ResetProject(ctx context.Context, id string) error {
	c, err := s.project(ctx, id)
	if err != nil {
		return err
	}
	return c.mock.Reset(ctx)
}
