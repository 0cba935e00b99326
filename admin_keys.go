package mockapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

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
	nk := NewKey{Name: in.Name, Projects: in.Projects}
	if in.ExpiresAt != nil {
		nk.ExpiresAt = *in.ExpiresAt
	}
	secretKey, k, err := s.CreateKey(r.Context(), nk)
	if err != nil {
		s.apiError(w, "key", err)
		return
	}
	writeJSON(w, http.StatusCreated, newKeyDoc(k, secretKey))
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.ListKeys(r.Context(), "")
	if err != nil {
		s.apiError(w, "keys", err)
		return
	}
	out := make([]keyDoc, 0, len(keys))
	for _, k := range keys {
		out = append(out, newKeyDoc(k, ""))
	}
	writeJSON(w, http.StatusOK, out)
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
	writeJSON(w, http.StatusCreated, newKeyDoc(k, secretKey))
}
