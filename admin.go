package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
)

// maxAdminBody bounds management requests (specs included).
const maxAdminBody = 32 << 20

func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_admin/projects", s.createProject)
	mux.HandleFunc("GET /_admin/projects", s.listProjects)
	mux.HandleFunc("GET /_admin/projects/{id}", s.getProject)
	mux.HandleFunc("PATCH /_admin/projects/{id}", s.patchProject)
	mux.HandleFunc("DELETE /_admin/projects/{id}", s.deleteProject)
	mux.HandleFunc("PUT /_admin/projects/{id}/spec", s.putSpec)
	mux.HandleFunc("POST /_admin/projects/{id}/reset", s.resetProject)
	mux.HandleFunc("POST /_admin/projects/{id}/links", s.createLink)
	mux.HandleFunc("GET /_admin/projects/{id}/links", s.listLinks)
	mux.HandleFunc("GET /_admin/projects/{id}/analytics", s.analytics)
	mux.HandleFunc("GET /_admin/projects/{id}/logs", s.logs)
	mux.HandleFunc("POST /_admin/keys", s.createKey)
	mux.HandleFunc("GET /_admin/keys", s.listKeys)
	mux.HandleFunc("DELETE /_admin/keys/{id}", s.revokeKey)
	mux.HandleFunc("POST /_admin/keys/{id}/rotate", s.rotateKey)
	mux.HandleFunc("DELETE /_admin/links/{id}", s.revokeLink)
	mux.HandleFunc("POST /_admin/links/{id}/regenerate", s.regenerateLink)
	mux.HandleFunc("/_admin/", func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "no such management endpoint"))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.o.AdminToken == "" {
			problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "the management API is off"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mockapi-admin"`)
			problem.Write(w, problem.New(http.StatusUnauthorized, problem.CodeAuthRequired, "the management API needs the admin token as a Bearer credential"))
			return
		}
		if !secret.Equal(strings.TrimSpace(token), s.o.AdminToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mockapi-admin", error="invalid_token"`)
			problem.Write(w, problem.New(http.StatusUnauthorized, problem.CodeInvalidAPIKey, "the admin token is not valid"))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, err.Error()))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	problem.Write(w, problem.New(http.StatusBadRequest, problem.CodeValidation, fmt.Sprintf(format, args...)))
}

func unprocessable(w http.ResponseWriter, detail string) {
	problem.Write(w, problem.New(http.StatusUnprocessableEntity, problem.CodeValidation, detail))
}

// readJSON decodes a JSON request body strictly: unknown fields are errors.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tooLarge(w, err) {
			return false
		}
		if errors.Is(err, io.EOF) {
			badRequest(w, "the request needs a JSON body")
		} else {
			badRequest(w, "the JSON body is not valid: %v", err)
		}
		return false
	}
	return true
}

// tooLarge answers 413 when err says the body passed maxAdminBody.
func tooLarge(w http.ResponseWriter, err error) bool {
	var mbe *http.MaxBytesError
	if !errors.As(err, &mbe) {
		return false
	}
	problem.Write(w, problem.New(http.StatusRequestEntityTooLarge, problem.CodeValidation,
		fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit)))
	return true
}

// storeError answers a store failure with the status it stands for.
func (s *Server) storeError(w http.ResponseWriter, what string, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, what+" not found"))
	case errors.Is(err, store.ErrConflict):
		problem.Write(w, problem.New(http.StatusConflict, problem.CodeConflict, what+": "+err.Error()))
	case errors.Is(err, store.ErrInvalid):
		unprocessable(w, err.Error())
	default:
		s.logger.Warn("mockapi: management API: store failed", "what", what, "err", err)
		problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "the store failed"))
	}
}

func (s *Server) url(path string) string { return s.o.BaseURL + path }

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
	if _, ok := loadSpec(w, r, spec); !ok {
		return
	}
	p := &store.Project{ID: in.ID, Name: in.Name, Spec: spec, SpecFormat: specFormat(spec), Visibility: vis, Owner: in.Owner, Team: in.Team}
	if err := s.st.Projects().Create(r.Context(), p); err != nil {
		s.storeError(w, "project", err)
		return
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
// another writer got there first.
func (s *Server) updateProject(w http.ResponseWriter, r *http.Request, change func(*store.Project) error) {
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
	s.updateProject(w, r, func(p *store.Project) error {
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
			doc, err := openapi.Parse(r.Context(), p.Spec, openapi.WithName(p.ID))
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
	s.updateProject(w, r, func(p *store.Project) error {
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

// keyDoc is an API key as the management API shows it: never the secret
// or its hash.
type keyDoc struct {
	ID         string     `json:"id"`
	Key        string     `json:"key,omitempty"` // only when created or rotated
	Prefix     string     `json:"prefix"`
	Name       string     `json:"name"`
	Projects   []string   `json:"projects"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func newKeyDoc(k *store.Key, secretKey string) keyDoc {
	projects := k.Projects
	if projects == nil {
		projects = []string{}
	}
	return keyDoc{ID: k.ID, Key: secretKey, Prefix: k.Prefix, Name: k.Name, Projects: projects, CreatedAt: k.CreatedAt,
		ExpiresAt: timePtr(k.ExpiresAt), RevokedAt: timePtr(k.RevokedAt), LastUsedAt: timePtr(k.LastUsedAt)}
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      string     `json:"name"`
		Projects  []string   `json:"projects"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	for _, id := range in.Projects {
		if _, err := s.st.Projects().Get(r.Context(), id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				unprocessable(w, fmt.Sprintf("projects: no project %q", id))
				return
			}
			s.storeError(w, "project", err)
			return
		}
	}
	secretKey, k := auth.NewKey(in.Name, in.Projects...)
	if in.ExpiresAt != nil {
		if !in.ExpiresAt.After(time.Now()) {
			unprocessable(w, "expires_at is in the past")
			return
		}
		k.ExpiresAt = in.ExpiresAt.UTC()
	}
	if err := s.st.Keys().Create(r.Context(), k); err != nil {
		s.storeError(w, "key", err)
		return
	}
	writeJSON(w, http.StatusCreated, newKeyDoc(k, secretKey))
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.st.Keys().List(r.Context(), "")
	if err != nil {
		s.storeError(w, "keys", err)
		return
	}
	out := make([]keyDoc, 0, len(keys))
	for _, k := range keys {
		out = append(out, newKeyDoc(k, ""))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	if err := s.st.Keys().Revoke(r.Context(), r.PathValue("id"), time.Now()); err != nil {
		s.storeError(w, "key", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) rotateKey(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Grace string `json:"grace"`
	}
	if r.ContentLength != 0 && !readJSON(w, r, &in) {
		return
	}
	var grace time.Duration
	if in.Grace != "" {
		d, err := time.ParseDuration(in.Grace)
		if err != nil || d < 0 {
			unprocessable(w, fmt.Sprintf("grace %q is not a duration such as \"1h\"", in.Grace))
			return
		}
		grace = d
	}
	secretKey, k, err := auth.RotateKey(r.Context(), s.st.Keys(), r.PathValue("id"), grace)
	if err != nil {
		s.storeError(w, "key", err)
		return
	}
	writeJSON(w, http.StatusCreated, newKeyDoc(k, secretKey))
}

// linkDoc is a share link as the management API shows it.
type linkDoc struct {
	ID           string     `json:"id"`
	Project      string     `json:"project"`
	Token        string     `json:"token,omitempty"` // only when created or regenerated
	URL          string     `json:"url,omitempty"`   // idem
	Prefix       string     `json:"prefix"`
	Name         string     `json:"name,omitempty"`
	RequireToken bool       `json:"require_token"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
}

func (s *Server) newLinkDoc(l *store.Link, token string) linkDoc {
	d := linkDoc{ID: l.ID, Project: l.Project, Token: token, Prefix: l.Prefix, Name: l.Name, RequireToken: l.TokenRequired,
		CreatedAt: l.CreatedAt, ExpiresAt: timePtr(l.ExpiresAt), RevokedAt: timePtr(l.RevokedAt)}
	if token != "" {
		d.URL = s.url("/s/" + token + "/")
	}
	return d
}

func (s *Server) createLink(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RequireToken bool       `json:"require_token"`
		ExpiresAt    *time.Time `json:"expires_at"`
		Name         string     `json:"name"`
	}
	if r.ContentLength != 0 && !readJSON(w, r, &in) {
		return
	}
	id := r.PathValue("id")
	if _, err := s.st.Projects().Get(r.Context(), id); err != nil {
		s.storeError(w, "project", err)
		return
	}
	var expires time.Time
	if in.ExpiresAt != nil {
		if !in.ExpiresAt.After(time.Now()) {
			unprocessable(w, "expires_at is in the past")
			return
		}
		expires = *in.ExpiresAt
	}
	token, l, err := s.links.Create(r.Context(), id, share.LinkOptions{TokenRequired: in.RequireToken, ExpiresAt: expires, Name: in.Name})
	if err != nil {
		s.storeError(w, "link", err)
		return
	}
	writeJSON(w, http.StatusCreated, s.newLinkDoc(l, token))
}

func (s *Server) listLinks(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.st.Projects().Get(r.Context(), id); err != nil {
		s.storeError(w, "project", err)
		return
	}
	links, err := s.links.List(r.Context(), id)
	if err != nil {
		s.storeError(w, "links", err)
		return
	}
	out := make([]linkDoc, 0, len(links))
	for _, l := range links {
		out = append(out, s.newLinkDoc(l, ""))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeLink(w http.ResponseWriter, r *http.Request) {
	if err := s.links.Revoke(r.Context(), r.PathValue("id")); err != nil {
		s.storeError(w, "link", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) regenerateLink(w http.ResponseWriter, r *http.Request) {
	token, l, err := s.links.Regenerate(r.Context(), r.PathValue("id"))
	if err != nil {
		s.storeError(w, "link", err)
		return
	}
	writeJSON(w, http.StatusOK, s.newLinkDoc(l, token))
}

// parsePeriod reads "7d", "30d", "24h" (a number of days or a Go duration).
func parsePeriod(v string) (time.Duration, bool) {
	if v == "" {
		return 7 * 24 * time.Hour, true
	}
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 3660 {
			return 0, false
		}
		return time.Duration(days) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d > 0
}

func (s *Server) analytics(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	period := r.URL.Query().Get("period")
	d, ok := parsePeriod(period)
	if !ok {
		badRequest(w, "period %q is not a number of days (\"7d\") or a duration (\"24h\")", period)
		return
	}
	if period == "" {
		period = "7d"
	}
	c, err := s.project(r.Context(), id)
	if err != nil {
		s.storeError(w, "project", err)
		return
	}
	s.rec.Flush()
	now := time.Now().UTC()
	st, err := s.st.RequestLog().Stats(r.Context(), id, now.Add(-d), now.Add(time.Second))
	if err != nil {
		s.storeError(w, "analytics", err)
		return
	}
	type day struct {
		Date  string `json:"date"`
		Count int    `json:"count"`
	}
	type endpoint struct {
		Method      string  `json:"method"`
		Path        string  `json:"path"`
		OperationID string  `json:"operation_id"`
		Count       int     `json:"requests_count"`
		AvgMS       float64 `json:"avg_response_time_ms"`
	}
	out := struct {
		Total          int            `json:"total_requests"`
		Unique         int            `json:"unique_endpoints"`
		Period         string         `json:"time_period"`
		ByDay          []day          `json:"requests_by_day"`
		Top            []endpoint     `json:"top_endpoints"`
		ByStatus       map[string]int `json:"by_status"`
		PageViews      int            `json:"page_views"`
		Dropped        int64          `json:"dropped_log_entries"`
		FailedToRecord int64          `json:"failed_log_entries"`
	}{Total: st.Total, Period: period, ByDay: []day{}, Top: []endpoint{}, ByStatus: map[string]int{},
		PageViews: st.PageViews, Dropped: s.rec.dropped.Load(), FailedToRecord: s.rec.failed.Load()}
	for _, dc := range st.ByDay {
		out.ByDay = append(out.ByDay, day{Date: dc.Day.Format("2006-01-02"), Count: dc.Count})
	}
	for _, op := range st.TopOperations {
		e := endpoint{OperationID: op.Operation, Count: op.Count, AvgMS: float64(op.AvgLatency.Microseconds()) / 1000}
		if op.Operation == "" {
			continue // not an endpoint: page views are counted apart
		}
		if o := c.doc.Operation(op.Operation); o != nil {
			// As the request log writes paths: as requested, base path included.
			e.Method, e.Path = o.Method, o.Path
			if len(o.BasePaths) > 0 {
				e.Path = o.BasePaths[0] + o.Path
			}
		}
		out.Unique++
		out.Top = append(out.Top, e)
	}
	for class, n := range st.ByStatusClass {
		out.ByStatus[fmt.Sprintf("%dxx", class)] = n
	}
	writeJSON(w, http.StatusOK, out)
}

// maxLogsResponse bounds the bytes of one page of the logs endpoint: a page
// ends at limit entries or at this size, whichever comes first, and a Link
// header (rel="next") continues it.
const maxLogsResponse = 1 << 20

// logEntryDoc is a request-log entry as the management API shows it.
type logEntryDoc struct {
	Time        time.Time `json:"time"`
	OperationID string    `json:"operation_id,omitempty"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Status      int       `json:"status"`
	LatencyMS   float64   `json:"latency_ms"`
	KeyID       string    `json:"key_id,omitempty"`
	LinkID      string    `json:"link_id,omitempty"`
	Session     string    `json:"session,omitempty"`
}

// logCursor is the opaque cursor of the logs endpoint: "micros.id".
func logCursor(c store.LogCursor) string {
	return strconv.FormatInt(c.Time.UnixMicro(), 36) + "." + strconv.FormatInt(c.ID, 36)
}

func parseLogCursor(v string) (store.LogCursor, bool) {
	t, id, ok := strings.Cut(v, ".")
	us, err1 := strconv.ParseInt(t, 36, 64)
	n, err2 := strconv.ParseInt(id, 36, 64)
	if !ok || err1 != nil || err2 != nil || us <= 0 || n < 0 {
		return store.LogCursor{}, false
	}
	return store.LogCursor{Time: time.UnixMicro(us).UTC(), ID: n}, true
}

// logs answers a page of a project's request log, newest first, as a JSON
// array. A page holds at most limit entries (default 100, at most 10000)
// and about maxLogsResponse bytes; when more remain, a Link header names
// the next page (?cursor=...).
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 10000 {
			badRequest(w, "limit %q is not a number in 1..10000", v)
			return
		}
		limit = n
	}
	var after store.LogCursor
	if v := r.URL.Query().Get("cursor"); v != "" {
		c, ok := parseLogCursor(v)
		if !ok {
			badRequest(w, "cursor %q is not a cursor from a Link header of this endpoint", v)
			return
		}
		after = c
	}
	if _, err := s.st.Projects().Get(r.Context(), id); err != nil {
		s.storeError(w, "project", err)
		return
	}
	s.rec.Flush()
	entries, err := s.st.RequestLog().Query(r.Context(), store.LogQuery{Project: id, Limit: limit, After: after})
	if err != nil {
		s.storeError(w, "logs", err)
		return
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	n := 0
	for _, e := range entries {
		b, err := json.Marshal(logEntryDoc{Time: e.Time, OperationID: e.Operation, Method: e.Method, Path: e.Path, Status: e.Status,
			LatencyMS: float64(e.Latency.Microseconds()) / 1000, KeyID: e.KeyID, LinkID: e.LinkID, Session: e.Session})
		if err != nil {
			continue
		}
		if n > 0 && buf.Len()+len(b)+2 > maxLogsResponse {
			break
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
		n++
	}
	buf.WriteByte(']')
	if n > 0 && (n < len(entries) || len(entries) == limit) {
		next := url.Values{"limit": {strconv.Itoa(limit)}, "cursor": {logCursor(entries[n-1].Cursor())}}
		w.Header().Set("Link", "<"+s.url("/_admin/projects/"+id+"/logs?"+next.Encode())+`>; rel="next"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
