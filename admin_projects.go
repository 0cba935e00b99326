package mockapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/mock/rules"
	"github.com/mockapi-go/mockapi/store"
)

// projectDoc is a project as the management API shows it.
type projectDoc struct {
	ID                  string                  `json:"id"`
	Name                string                  `json:"name"`
	Visibility          string                  `json:"visibility"`
	InvokeURL           string                  `json:"invoke_url"`
	Operations          int                     `json:"operations"`
	OperationVisibility map[string]string       `json:"operation_visibility,omitempty"`
	AllowQueryToken     bool                    `json:"allow_query_token"`
	RateLimit           *rateLimitDoc           `json:"rate_limit,omitempty"`
	Sharing             bool                    `json:"sharing"`
	SeedRecords         *int                    `json:"seed_records,omitempty"`
	Callbacks           *callbacksDoc           `json:"callbacks,omitempty"`
	Rules               map[string][]rules.Rule `json:"rules,omitempty"`
	Owner               string                  `json:"owner,omitempty"`
	Team                string                  `json:"team,omitempty"`
	Version             int64                   `json:"version"`
	Warnings            int                     `json:"warnings"`
	// Error says why the project is not served, when it is not.
	Error     string    `json:"error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (s *Server) projectDoc(r *http.Request, p *Project) projectDoc {
	d := projectDoc{ID: p.ID, Name: p.Name, Visibility: string(p.Visibility), InvokeURL: s.InvokeURL(p.ID),
		Owner: p.Owner, Team: p.Team, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		AllowQueryToken: p.Settings.AllowQueryToken, RateLimit: p.Settings.RateLimit.doc(), Sharing: !p.Settings.SharingOff,
		SeedRecords: p.Settings.seedRecordsDoc(), Callbacks: p.Settings.Callbacks.doc(), Rules: p.Settings.Rules}
	if len(p.OperationVisibility) > 0 {
		d.OperationVisibility = map[string]string{}
		for k, v := range p.OperationVisibility {
			d.OperationVisibility[k] = string(v)
		}
	}
	c, err := s.project(r.Context(), p.ID)
	if err == nil {
		d.Operations = len(c.doc.Operations())
		d.Warnings = len(c.doc.Warnings()) + len(c.mock.Warnings())
	} else if pe := (*ProjectError)(nil); errors.As(err, &pe) {
		d.Error = pe.Err.Error()
	}
	return d
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID              string          `json:"id"`
		Name            string          `json:"name"`
		Spec            json.RawMessage `json:"spec"` // a string or an object; see admin_spec.go
		Visibility      string          `json:"visibility"`
		Owner           string          `json:"owner"`
		Team            string          `json:"team"`
		AllowQueryToken bool            `json:"allow_query_token"`
		RateLimit       *rateLimitDoc   `json:"rate_limit"`
		Sharing         *bool           `json:"sharing"`
		SeedRecords     *int            `json:"seed_records"`
		Callbacks       *callbacksDoc   `json:"callbacks"`
		Rules           json.RawMessage `json:"rules"`
	}
	if !readCreate(w, r, &in) {
		return
	}
	spec, ok := specField(w, in.Spec)
	if !ok {
		return
	}
	if spec, ok = s.fromTraffic(w, spec); !ok {
		return
	}
	np := NewProject{ID: in.ID, Name: in.Name, Spec: spec, Visibility: store.Visibility(in.Visibility),
		Owner: in.Owner, Team: in.Team, Settings: Settings{AllowQueryToken: in.AllowQueryToken,
			SharingOff: in.Sharing != nil && !*in.Sharing, SeedRecords: seedRecordsOf(in.SeedRecords)}}
	if in.RateLimit != nil {
		limit, err := in.RateLimit.rateLimit()
		if err != nil {
			s.apiError(w, "project", err)
			return
		}
		np.Settings.RateLimit = limit
	}
	if in.Callbacks != nil {
		c, err := in.Callbacks.callbacks()
		if err != nil {
			s.apiError(w, "project", err)
			return
		}
		np.Settings.Callbacks = c
	}
	if len(in.Rules) > 0 && string(in.Rules) != "null" {
		rs, err := decodeRules(in.Rules)
		if err != nil {
			s.apiError(w, "project", err)
			return
		}
		np.Settings.Rules = rs
	}
	p, err := s.CreateProject(r.Context(), np)
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	w.Header().Set("Location", s.url("/_admin/projects/"+p.ID))
	writeJSON(w, http.StatusCreated, s.projectDoc(r, p))
}

func (s *Server) listProjects(w http.ResponseWriter, r *http.Request) {
	ps, err := s.ListProjects(r.Context(), store.ProjectFilter{})
	if err != nil {
		s.apiError(w, "projects", err)
		return
	}
	out := make([]projectDoc, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.projectDoc(r, p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getProject(w http.ResponseWriter, r *http.Request) {
	p, err := s.Project(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, s.projectDoc(r, p))
}

func (s *Server) patchProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name                *string         `json:"name"`
		Visibility          *string         `json:"visibility"`
		OperationVisibility json.RawMessage `json:"operation_visibility"`
		AllowQueryToken     *bool           `json:"allow_query_token"`
		RateLimit           json.RawMessage `json:"rate_limit"`
		Sharing             *bool           `json:"sharing"`
		SeedRecords         json.RawMessage `json:"seed_records"`
		Callbacks           json.RawMessage `json:"callbacks"`
		Rules               json.RawMessage `json:"rules"`
		Owner               *string         `json:"owner"`
		Team                *string         `json:"team"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	u := ProjectUpdate{Name: in.Name, Owner: in.Owner, Team: in.Team, AllowQueryToken: in.AllowQueryToken, Sharing: in.Sharing}
	if in.Visibility != nil {
		vis := store.Visibility(*in.Visibility)
		u.Visibility = &vis
	}
	// operation_visibility: null or {} clears every override; otherwise
	// the entries are merged ("inherit" or "" removes one).
	if len(in.OperationVisibility) > 0 {
		if err := json.Unmarshal(in.OperationVisibility, &u.OperationVisibility); err != nil {
			badRequest(w, "operation_visibility: %v", err)
			return
		}
		u.ClearOperationVisibility = len(u.OperationVisibility) == 0
	}
	// rate_limit: null removes the limit.
	if len(in.RateLimit) > 0 {
		u.RateLimit = &RateLimit{}
		if string(in.RateLimit) != "null" {
			var doc rateLimitDoc
			if err := json.Unmarshal(in.RateLimit, &doc); err != nil {
				badRequest(w, "rate_limit: %v", err)
				return
			}
			limit, err := doc.rateLimit()
			if err != nil {
				s.apiError(w, "project", err)
				return
			}
			u.RateLimit = &limit
		}
	}
	// rules: null or {} removes them all; an object replaces them.
	if len(in.Rules) > 0 {
		u.Rules = map[string][]rules.Rule{}
		if string(in.Rules) != "null" {
			rs, err := decodeRules(in.Rules)
			if err != nil {
				s.apiError(w, "project", err)
				return
			}
			u.Rules = rs
		}
	}
	// callbacks: null turns them off.
	if len(in.Callbacks) > 0 {
		u.Callbacks = &Callbacks{}
		if string(in.Callbacks) != "null" {
			var doc callbacksDoc
			if err := json.Unmarshal(in.Callbacks, &doc); err != nil {
				badRequest(w, "callbacks: %v", err)
				return
			}
			c, err := doc.callbacks()
			if err != nil {
				s.apiError(w, "project", err)
				return
			}
			u.Callbacks = c
		}
	}
	// seed_records: null is the Server's default, 0 none.
	if len(in.SeedRecords) > 0 {
		var n *int
		if err := json.Unmarshal(in.SeedRecords, &n); err != nil {
			badRequest(w, "seed_records: %v", err)
			return
		}
		set := seedRecordsOf(n)
		u.SeedRecords = &set
	}
	p, err := s.UpdateProject(r.Context(), r.PathValue("id"), u)
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, s.projectDoc(r, p))
}

func (s *Server) putSpec(w http.ResponseWriter, r *http.Request) {
	body, ok := readSpec(w, r)
	if !ok {
		return
	}
	if body, ok = s.fromTraffic(w, body); !ok {
		return
	}
	p, err := s.SetSpec(r.Context(), r.PathValue("id"), body)
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, s.projectDoc(r, p))
}

func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) {
	if err := s.DeleteProject(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "project", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) resetProject(w http.ResponseWriter, r *http.Request) {
	if err := s.ResetProject(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "project", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
