package mockapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/auth"
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
