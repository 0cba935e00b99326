package mockapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
)

// linkDoc is a share link as the management API shows it.
type linkDoc struct {
	ID           string `json:"id"`
	Project      string `json:"project"`
	Token        string `json:"token,omitempty"` // only when created or regenerated
	URL          string `json:"url,omitempty"`   // idem
	Prefix       string `json:"prefix"`
	Name         string `json:"name,omitempty"`
	RequireToken bool   `json:"require_token"`
	// Enabled is the switch PATCH sets. State says whether the link opens
	// now: "active", "disabled", "expired" or "revoked" (a project's
	// sharing setting can stop every link besides).
	Enabled    bool       `json:"enabled"`
	State      string     `json:"state"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
	// VisitorRateLimit bounds each visitor (client address) of the link.
	VisitorRateLimit *rateLimitDoc `json:"visitor_rate_limit,omitempty"`
}

func (s *Server) newLinkDoc(l *store.Link, token string) linkDoc {
	state := "active"
	switch now := s.now(); {
	case !l.RevokedAt.IsZero():
		state = "revoked"
	case !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt):
		state = "expired"
	case !l.DisabledAt.IsZero():
		state = "disabled"
	}
	d := linkDoc{ID: l.ID, Project: l.Project, Token: token, Prefix: l.Prefix, Name: l.Name, RequireToken: l.TokenRequired,
		Enabled: l.DisabledAt.IsZero(), State: state, CreatedAt: l.CreatedAt, ExpiresAt: timePtr(l.ExpiresAt),
		RevokedAt: timePtr(l.RevokedAt), DisabledAt: timePtr(l.DisabledAt),
		VisitorRateLimit: RateLimit{Requests: l.VisitorRequests, Per: l.VisitorPer}.doc()}
	if token != "" {
		d.URL = s.ShareURL(token)
	}
	return d
}

func (s *Server) createLink(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RequireToken     bool          `json:"require_token"`
		ExpiresAt        *time.Time    `json:"expires_at"`
		Name             string        `json:"name"`
		VisitorRateLimit *rateLimitDoc `json:"visitor_rate_limit"`
	}
	if r.ContentLength != 0 && !readJSON(w, r, &in) {
		return
	}
	o := share.LinkOptions{TokenRequired: in.RequireToken, Name: in.Name}
	if in.VisitorRateLimit != nil {
		limit, err := visitorLimit(in.VisitorRateLimit)
		if err != nil {
			s.apiError(w, "link", err)
			return
		}
		o.VisitorLimit = auth.Limit{Requests: limit.Requests, Per: limit.Per}
	}
	if in.ExpiresAt != nil {
		o.ExpiresAt = *in.ExpiresAt
	}
	token, l, err := s.CreateLink(r.Context(), r.PathValue("id"), o)
	if err != nil {
		s.apiError(w, "link", err)
		return
	}
	writeJSON(w, http.StatusCreated, s.newLinkDoc(l, token))
}

func (s *Server) listLinks(w http.ResponseWriter, r *http.Request) {
	links, err := s.ListLinks(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "links", err)
		return
	}
	out := make([]linkDoc, 0, len(links))
	for _, l := range links {
		out = append(out, s.newLinkDoc(l, ""))
	}
	writeJSON(w, http.StatusOK, out)
}

// visitorLimit reads a visitor_rate_limit object.
func visitorLimit(d *rateLimitDoc) (RateLimit, error) {
	limit, err := d.rateLimit()
	if err != nil {
		return RateLimit{}, invalidf("visitor_rate_limit", err, "needs requests > 0 and a positive duration in per (\"1m\"); null removes the limit")
	}
	return limit, nil
}

// patchLink changes name, require_token, expires_at (null: never),
// enabled and visitor_rate_limit (null: none).
func (s *Server) patchLink(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name             *string         `json:"name"`
		RequireToken     *bool           `json:"require_token"`
		ExpiresAt        json.RawMessage `json:"expires_at"`
		Enabled          *bool           `json:"enabled"`
		VisitorRateLimit json.RawMessage `json:"visitor_rate_limit"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	u := LinkUpdate{Name: in.Name, RequireToken: in.RequireToken, Enabled: in.Enabled}
	if len(in.ExpiresAt) > 0 {
		at, ok := nullableTime(w, "expires_at", in.ExpiresAt)
		if !ok {
			return
		}
		u.ExpiresAt = &at
	}
	if len(in.VisitorRateLimit) > 0 {
		u.VisitorRateLimit = &RateLimit{}
		if string(in.VisitorRateLimit) != "null" {
			var d rateLimitDoc
			if err := json.Unmarshal(in.VisitorRateLimit, &d); err != nil {
				badRequest(w, "visitor_rate_limit: %v", err)
				return
			}
			limit, err := visitorLimit(&d)
			if err != nil {
				s.apiError(w, "link", err)
				return
			}
			u.VisitorRateLimit = &limit
		}
	}
	l, err := s.UpdateLink(r.Context(), r.PathValue("id"), u)
	if err != nil {
		s.apiError(w, "link", err)
		return
	}
	writeJSON(w, http.StatusOK, s.newLinkDoc(l, ""))
}

func (s *Server) revokeLink(w http.ResponseWriter, r *http.Request) {
	if err := s.RevokeLink(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "link", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) regenerateLink(w http.ResponseWriter, r *http.Request) {
	token, l, err := s.RegenerateLink(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "link", err)
		return
	}
	writeJSON(w, http.StatusOK, s.newLinkDoc(l, token))
}
