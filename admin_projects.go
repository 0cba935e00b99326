package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// projectDoc is a project as the management API shows it.
type projectDoc struct {
	ID                  string            `json:"id"`
	Name                string            `json:"name"`
	Visibility          string            `json:"visibility"`
	InvokeURL           string            `json:"invoke_url"`
	Operations          int               `json:"operations"`
	OperationVisibility map[string]string `json:"operation_visibility,omitempty"`
	AllowQueryToken     bool              `json:"allow_query_token"`
	RateLimit           *rateLimitDoc     `json:"rate_limit,omitempty"`
	Owner               string            `json:"owner,omitempty"`
	Team                string            `json:"team,omitempty"`
	Version             int64             `json:"version"`
	Warnings            int               `json:"warnings"`
	CreatedAt           time.Time         `json:"created_at"`
	UpdatedAt           time.Time         `json:"updated_at"`
}

func (s *Server) projectDoc(r *http.Request, p *store.Project) projectDoc {
	d := projectDoc{ID: p.ID, Name: p.Name, Visibility: string(p.Visibility), InvokeURL: s.url("/p/" + p.ID + "/"),
		Owner: p.Owner, Team: p.Team, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, AllowQueryToken: true}
	if len(p.OperationVisibility) > 0 {
		d.OperationVisibility = map[string]string{}
		for k, v := range p.OperationVisibility {
			d.OperationVisibility[k] = string(v)
		}
	}
	var set settings
	if len(p.Settings) > 0 {
		_ = json.Unmarshal(p.Settings, &set)
	}
	if set.AllowQueryToken != nil {
		d.AllowQueryToken = *set.AllowQueryToken
	}
	d.RateLimit = set.RateLimit
	if c, err := s.project(r.Context(), p.ID); err == nil {
		d.Operations = len(c.doc.Operations())
		d.Warnings = len(c.doc.Warnings) + len(c.mock.Warnings())
	}
	return d
}

func parseVisibility(v string) (store.Visibility, bool) {
	switch vis := store.Visibility(v); vis {
	case store.Private, store.Public, store.Authenticated:
		return vis, true
	}
	return "", false
}

// loadSpec checks that a description loads and returns the located error
// as a 422 answer when it does not.
func loadSpec(w http.ResponseWriter, r *http.Request, spec []byte) (*openapi.Document, bool) {
	if len(bytes.TrimSpace(spec)) == 0 {
		unprocessable(w, "spec is empty")
		return nil, false
	}
	doc, err := openapi.Parse(r.Context(), spec, openapi.WithName("spec"))
	if err != nil {
		unprocessable(w, err.Error())
		return nil, false
	}
	return doc, true
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
	return fmt.Errorf("operation_visibility names operations the spec does not have: %s; "+
		"set them to \"inherit\" (PATCH operation_visibility) before the spec drops or renames them", strings.Join(stale, ", "))
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		Spec       string `json:"spec"`
		Visibility string `json:"visibility"`
		Owner      string `json:"owner"`
		Team       string `json:"team"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Visibility == "" {
		in.Visibility = string(store.Private)
	}
	vis, ok := parseVisibility(in.Visibility)
	if !ok {
		unprocessable(w, fmt.Sprintf("visibility %q is not private, public or authenticated", in.Visibility))
		return
	}
	if strings.TrimSpace(in.Name) == "" {
		unprocessable(w, "name is required")
		return
	}
	if in.ID != "" {
		if err := store.ValidProjectID(in.ID); err != nil {
			unprocessable(w, err.Error())
			return
		}
	}
	spec := []byte(in.Spec)
	doc, ok := loadSpec(w, r, spec)
	if !ok {
		return
	}
	p := &store.Project{ID: in.ID, Name: in.Name, Spec: spec, SpecFormat: specFormat(spec), Visibility: vis, Owner: in.Owner, Team: in.Team}
	if err := s.st.Projects().Create(r.Context(), p); err != nil {
		s.storeError(w, "project", err)
		return
	}
	if err := s.prepare(p, doc); err != nil {
		s.logger.Warn("mockapi: compiling a project failed", "project", p.ID, "err", err)
	}
	w.Header().Set("Location", "/_admin/projects/"+p.ID)
	writeJSON(w, http.StatusCreated, s.projectDoc(r, p))
}

func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	ps, err := s.st.Projects().List(r.Context(), store.ProjectFilter{})
	if err != nil {
		s.storeError(w, "projects", err)
		return
	}
	out := make([]projectDoc, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.projectDoc(r, p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getProject(w http.ResponseWriter, r *http.Request) {
	p, err := s.st.Projects().Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, s.projectDoc(r, p))
}

// updateProject applies change to the stored project, retrying when
// another writer got there first. A new spec's parsed document, when
// given, is compiled at once, so that nothing parses it again.
func (s *Server) updateProject(w http.ResponseWriter, r *http.Request, doc *openapi.Document, change func(*store.Project) error) {
	id := r.PathValue("id")
	for range 5 {
		p, err := s.st.Projects().Get(r.Context(), id)
		if err != nil {
			s.storeError(w, "project", err)
			return
		}
		if err := change(p); err != nil {
			unprocessable(w, err.Error())
			return
		}
		err = s.st.Projects().Update(r.Context(), p)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			s.storeError(w, "project", err)
			return
		}
		if doc != nil {
			if err := s.prepare(p, doc); err != nil {
				s.logger.Warn("mockapi: compiling a project failed", "project", p.ID, "err", err)
			}
		}
		writeJSON(w, http.StatusOK, s.projectDoc(r, p))
		return
	}
	problem.Write(w, problem.New(http.StatusConflict, problem.CodeConflict, "the project keeps changing; try again"))
}

func (s *Server) patchProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name                *string         `json:"name"`
		Visibility          *string         `json:"visibility"`
		OperationVisibility json.RawMessage `json:"operation_visibility"`
		AllowQueryToken     *bool           `json:"allow_query_token"`
		RateLimit           json.RawMessage `json:"rate_limit"`
		Owner               *string         `json:"owner"`
		Team                *string         `json:"team"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	// operation_visibility: null or {} clears every override; otherwise
	// the entries are merged ("inherit" or "" removes one).
	var overrides map[string]string
	clearOverrides := false
	if len(in.OperationVisibility) > 0 {
		if err := json.Unmarshal(in.OperationVisibility, &overrides); err != nil {
			badRequest(w, "operation_visibility: %v", err)
			return
		}
		clearOverrides = len(overrides) == 0
	}
	var limit *rateLimitDoc
	clearLimit := false
	if len(in.RateLimit) > 0 {
		if string(in.RateLimit) == "null" {
			clearLimit = true
		} else {
			limit = &rateLimitDoc{}
			if err := json.Unmarshal(in.RateLimit, limit); err != nil {
				badRequest(w, "rate_limit: %v", err)
				return
			}
			if _, err := limit.limit(); err != nil {
				unprocessable(w, err.Error())
				return
			}
		}
	}
	s.updateProject(w, r, nil, func(p *store.Project) error {
		if in.Name != nil {
			if strings.TrimSpace(*in.Name) == "" {
				return errors.New("name may not be empty")
			}
			p.Name = *in.Name
		}
		if in.Visibility != nil {
			vis, ok := parseVisibility(*in.Visibility)
			if !ok {
				return fmt.Errorf("visibility %q is not private, public or authenticated", *in.Visibility)
			}
			p.Visibility = vis
		}
		if clearOverrides {
			p.OperationVisibility = nil
		}
		if len(overrides) > 0 {
			doc, err := s.document(r.Context(), p)
			if err != nil {
				return err
			}
			if p.OperationVisibility == nil {
				p.OperationVisibility = map[string]store.Visibility{}
			}
			for op, v := range overrides {
				if v == string(auth.Inherit) || v == "" {
					delete(p.OperationVisibility, op)
					continue
				}
				if doc.Operation(op) == nil {
					return fmt.Errorf("operation_visibility: the project has no operation %q", op)
				}
				vis, ok := parseVisibility(v)
				if !ok {
					return fmt.Errorf("operation_visibility: %q for %s is not public, private, authenticated or inherit", v, op)
				}
				p.OperationVisibility[op] = vis
			}
			if err := checkOverrides(doc, p.OperationVisibility); err != nil {
				return err
			}
			if len(p.OperationVisibility) == 0 {
				p.OperationVisibility = nil
			}
		}
		if in.Owner != nil {
			p.Owner = *in.Owner
		}
		if in.Team != nil {
			p.Team = *in.Team
		}
		if in.AllowQueryToken != nil || limit != nil || clearLimit {
			var set settings
			if len(p.Settings) > 0 {
				_ = json.Unmarshal(p.Settings, &set)
			}
			if in.AllowQueryToken != nil {
				set.AllowQueryToken = in.AllowQueryToken
			}
			if limit != nil {
				set.RateLimit = limit
			}
			if clearLimit {
				set.RateLimit = nil
			}
			b, _ := json.Marshal(set)
			p.Settings = b
		}
		return nil
	})
}

func (s *Server) putSpec(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge(w, err) {
			return
		}
		badRequest(w, "reading the spec: %v", err)
		return
	}
	// A JSON object {"spec": "..."} carries the spec as text; anything else
	// is the description itself.
	var wrapped struct {
		Spec    *string `json:"spec"`
		OpenAPI any     `json:"openapi"`
		Swagger any     `json:"swagger"`
	}
	if json.Unmarshal(body, &wrapped) == nil && wrapped.Spec != nil && wrapped.OpenAPI == nil && wrapped.Swagger == nil {
		body = []byte(*wrapped.Spec)
	}
	doc, ok := loadSpec(w, r, body)
	if !ok {
		return
	}
	s.updateProject(w, r, doc, func(p *store.Project) error {
		if err := checkOverrides(doc, p.OperationVisibility); err != nil {
			return err
		}
		p.Spec, p.SpecFormat = body, specFormat(body)
		return nil
	})
}

func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.st.Projects().Delete(r.Context(), id); err != nil {
		s.storeError(w, "project", err)
		return
	}
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) resetProject(w http.ResponseWriter, r *http.Request) {
	c, err := s.project(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, "project", err)
		return
	}
	if err := c.mock.Reset(r.Context()); err != nil {
		s.storeError(w, "reset", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
