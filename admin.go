package mockapi

// The management API is a thin HTTP adapter over the Server's Go API
// (projects.go, keys.go, links.go): each handler reads JSON, calls one
// method, and answers its result or error (admin_http.go maps the errors
// to 400, 404, 409, 422 and 503).

import (
	"net/http"
	"strings"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/secret"
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
	mux.HandleFunc("GET /_admin/projects/{id}/operations", s.operations)
	mux.HandleFunc("POST /_admin/projects/{id}/resources/{resource}/generate", s.generate)
	mux.HandleFunc("GET /_admin/analytics", s.analyticsAll)
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
