package mockapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// keyDoc is an API key as the management API shows it: never the secret
// or its hash.
type keyDoc struct {
	ID       string   `json:"id"`
	Key      string   `json:"key,omitempty"` // only when created or rotated
	Prefix   string   `json:"prefix"`
	Name     string   `json:"name"`
	Projects []string `json:"projects"`
	// Active is the switch PATCH sets: false once deactivated. State says
	// whether the key works now: "active", "deactivated", "expired" or
	// "revoked".
	Active        bool       `json:"active"`
	State         string     `json:"state"`
	CreatedAt     time.Time  `json:"created_at"`
	ExpiresAt     *time.Time `json:"expires_at,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	DeactivatedAt *time.Time `json:"deactivated_at,omitempty"`
	// LastUsedAt is written every store.DefaultTouchInterval (5 s).
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) newKeyDoc(k *store.Key, secretKey string) keyDoc {
	projects := k.Projects
	if projects == nil {
		projects = []string{}
	}
	state := "active"
	switch now := s.now(); {
	case !k.RevokedAt.IsZero():
		state = "revoked"
	case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
		state = "expired"
	case !k.DeactivatedAt.IsZero():
		state = "deactivated"
	}
	return keyDoc{ID: k.ID, Key: secretKey, Prefix: k.Prefix, Name: k.Name, Projects: projects,
		Active: k.DeactivatedAt.IsZero(), State: state, CreatedAt: k.CreatedAt,
		ExpiresAt: timePtr(k.ExpiresAt), RevokedAt: timePtr(k.RevokedAt), DeactivatedAt: timePtr(k.DeactivatedAt),
		LastUsedAt: timePtr(k.LastUsedAt)}
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
	nk := NewKey{Name: in.Name, Projects: in.Projects}
	if in.ExpiresAt != nil {
		nk.ExpiresAt = *in.ExpiresAt
	}
	secretKey, k, err := s.CreateKey(r.Context(), nk)
	if err != nil {
		s.apiError(w, "key", err)
		return
	}
	writeJSON(w, http.StatusCreated, s.newKeyDoc(k, secretKey))
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.ListKeys(r.Context(), "")
	if err != nil {
		s.apiError(w, "keys", err)
		return
	}
	out := make([]keyDoc, 0, len(keys))
	for _, k := range keys {
		out = append(out, s.newKeyDoc(k, ""))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.GetKey(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "key", err)
		return
	}
	writeJSON(w, http.StatusOK, s.newKeyDoc(k, ""))
}

// patchKey changes name, projects ([] or null: every project),
// expires_at (null: never) and active.
func (s *Server) patchKey(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      *string         `json:"name"`
		Projects  json.RawMessage `json:"projects"`
		ExpiresAt json.RawMessage `json:"expires_at"`
		Active    *bool           `json:"active"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	u := KeyUpdate{Name: in.Name, Active: in.Active}
	if len(in.Projects) > 0 {
		var projects []string
		if err := json.Unmarshal(in.Projects, &projects); err != nil {
			badRequest(w, "projects: %v", err)
			return
		}
		u.Projects = &projects
	}
	if len(in.ExpiresAt) > 0 {
		at, ok := nullableTime(w, "expires_at", in.ExpiresAt)
		if !ok {
			return
		}
		u.ExpiresAt = &at
	}
	k, err := s.UpdateKey(r.Context(), r.PathValue("id"), u)
	if err != nil {
		s.apiError(w, "key", err)
		return
	}
	writeJSON(w, http.StatusOK, s.newKeyDoc(k, ""))
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	if err := s.RevokeKey(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "key", err)
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
	secretKey, k, err := s.RotateKey(r.Context(), r.PathValue("id"), grace)
	if err != nil {
		s.apiError(w, "key", err)
		return
	}
	writeJSON(w, http.StatusCreated, s.newKeyDoc(k, secretKey))
}
