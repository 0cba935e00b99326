package mockapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync"
)

// SpecSource reads a project's description from where it lives: a file
// and the files it refers to, a URL, a capture of recorded traffic to
// derive it from. It returns one document, as SetSpec takes it.
type SpecSource func(ctx context.Context) ([]byte, error)

// sources are the projects' SpecSources, registered on this Server (they
// are functions of this process, not stored).
type sources struct {
	mu     sync.Mutex
	byID   map[string]SpecSource
	reload sync.Mutex // one reload at a time: the watcher and the endpoint
}

// SetSource registers where project id's description is read from, for
// Reload and POST /_admin/projects/{id}/reload; nil removes it. The
// project need not exist yet. A source belongs to this Server, not to the
// store: another instance reloads only the projects given a source there,
// though every instance serves what a reload stored.
func (s *Server) SetSource(id string, src SpecSource) {
	s.src.mu.Lock()
	defer s.src.mu.Unlock()
	if src == nil {
		delete(s.src.byID, id)
		return
	}
	if s.src.byID == nil {
		s.src.byID = map[string]SpecSource{}
	}
	s.src.byID[id] = src
}

// hasSource reports whether project id has a source on this Server.
func (s *Server) hasSource(id string) bool {
	s.src.mu.Lock()
	defer s.src.mu.Unlock()
	return s.src.byID[id] != nil
}

// Reload reads project id's description from its source and, when it
// differs from the stored one, makes it the project's description as
// SetSpec does: operations that remain keep their data, and the version
// before goes on serving until the new one is stored. changed is false
// when the source holds what is stored already.
//
// An unknown project is ErrNotFound, a project without a source on this
// Server ErrConflict; a source that fails, or a description that does not
// load, is a *ValidationError naming "spec" whose cause is the source's
// error (a *openapi.LoadError locates it), and the project keeps the last
// good version.
func (s *Server) Reload(ctx context.Context, id string) (p *Project, changed bool, err error) {
	s.src.mu.Lock()
	src := s.src.byID[id]
	s.src.mu.Unlock()
	s.src.reload.Lock()
	defer s.src.reload.Unlock()
	cur, err := s.st.Projects().Get(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if src == nil {
		return nil, false, fmt.Errorf("project %s has no source to reload from on this server: %w", id, ErrConflict)
	}
	spec, err := src(ctx)
	if err != nil {
		return nil, false, invalidf("spec", err, "reloading: %v", err)
	}
	if bytes.Equal(spec, cur.Spec) {
		return projectOf(cur), false, nil
	}
	p, err = s.SetSpec(ctx, id, spec)
	if err != nil {
		return nil, false, err
	}
	return p, true, nil
}

// reloadProject is POST /_admin/projects/{id}/reload.
func (s *Server) reloadProject(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.Reload(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, s.projectDoc(r, p))
}
