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

// adminRoute is one endpoint of the management API. Each one is described
// in admin.openapi.yaml; TestAdminDescription holds the two together.
type adminRoute struct {
	pattern string
	h       http.HandlerFunc
}

func (s *Server) adminRoutes() []adminRoute {
	return []adminRoute{
		{"POST /_admin/projects", s.createProject},
		{"GET /_admin/projects", s.listProjects},
		{"GET /_admin/projects/{id}", s.getProject},
		{"PATCH /_admin/projects/{id}", s.patchProject},
		{"DELETE /_admin/projects/{id}", s.deleteProject},
		{"PUT /_admin/projects/{id}/spec", s.putSpec},
		{"GET /_admin/projects/{id}/spec", s.getSpec},
		{"GET /_admin/projects/{id}/warnings", s.warnings},
		{"POST /_admin/projects/{id}/reset", s.resetProject},
		{"POST /_admin/projects/{id}/reload", s.reloadProject},
		{"POST /_admin/projects/{id}/links", s.createLink},
		{"GET /_admin/projects/{id}/links", s.listLinks},
		{"GET /_admin/projects/{id}/analytics", s.analytics},
		{"GET /_admin/projects/{id}/logs", s.logs},
		{"GET /_admin/projects/{id}/operations", s.operations},
		{"POST /_admin/projects/{id}/resources/{resource}/generate", s.generate},
		{"GET /_admin/analytics", s.analyticsAll},
		{"GET /_admin/projects/{id}/webhooks", s.listWebhooks},
		{"POST /_admin/projects/{id}/webhooks/{name}", s.fireWebhook},
		{"POST /_admin/keys", s.createKey},
		{"GET /_admin/keys", s.listKeys},
		{"GET /_admin/keys/{id}", s.getKey},
		{"PATCH /_admin/keys/{id}", s.patchKey},
		{"DELETE /_admin/keys/{id}", s.revokeKey},
		{"POST /_admin/keys/{id}/rotate", s.rotateKey},
		{"PATCH /_admin/links/{id}", s.patchLink},
		{"DELETE /_admin/links/{id}", s.revokeLink},
		{"POST /_admin/links/{id}/regenerate", s.regenerateLink},
		{"POST /_admin/users", s.createUser},
		{"GET /_admin/users", s.listUsers},
		{"GET /_admin/users/{id}", s.getUser},
		{"PATCH /_admin/users/{id}", s.patchUser},
		{"DELETE /_admin/users/{id}", s.deleteUser},
		{"POST /_admin/users/{id}/token", s.rotateUserToken},
		{"DELETE /_admin/users/{id}/token", s.revokeUserTokens},
		{"POST /_admin/teams", s.createTeam},
		{"GET /_admin/teams", s.listTeams},
		{"GET /_admin/teams/{id}", s.getTeam},
		{"PATCH /_admin/teams/{id}", s.patchTeam},
		{"DELETE /_admin/teams/{id}", s.deleteTeam},
		{"GET /_admin/teams/{id}/members", s.listMembers},
		{"PUT /_admin/teams/{id}/members/{user}", s.putMember},
		{"DELETE /_admin/teams/{id}/members/{user}", s.removeMember},
		{"POST /_admin/teams/{id}/invites", s.createInvite},
		{"GET /_admin/teams/{id}/invites", s.listInvites},
		{"DELETE /_admin/invites/{id}", s.deleteInvite},
		{"GET /_admin/teams/{id}/projects", s.listTeamProjects},
		{"PUT /_admin/teams/{id}/projects/{project}", s.assignProject},
		{"DELETE /_admin/teams/{id}/projects/{project}", s.unassignProject},
		{"GET /_admin/quotas", s.listQuotas},
		{"GET /_admin/quotas/{subject}", s.getQuota},
		{"PUT /_admin/quotas/{subject}", s.putQuota},
		{"DELETE /_admin/quotas/{subject}", s.deleteQuota},
	}
}

func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.adminRoutes() {
		mux.HandleFunc(rt.pattern, rt.h)
	}
	mux.HandleFunc("/_admin/", func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "no such management endpoint"))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.o.AdminToken == "" {
			problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "the management API is off"))
			return
		}
		if r.URL.Path == "/_admin/openapi.json" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			serveAdminDescription(w, r) // public: it is the same for every server
			return
		}
		if s.dash != nil && (r.URL.Path == DashboardPath || strings.HasPrefix(r.URL.Path, DashboardPath+"/")) {
			// Browsers sign in with a session cookie, not a Bearer
			// credential: the dashboard checks its own sessions.
			s.dash.ServeHTTP(w, r)
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
