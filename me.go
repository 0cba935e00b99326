package mockapi

// The user-facing API under /_me/: a user, with its user token, sees its
// projects and teams, manages the teams it owns (members, invites,
// project assignment), answers its invites, creates projects it owns and
// API keys scoped to projects it may use. Only a project's owner may
// delete it or give it to another owner or team.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
)

type meKey struct{}

// meUser is the user a /_me/ request authenticated as.
func meUser(r *http.Request) *store.User { return r.Context().Value(meKey{}).(*store.User) }

func (s *Server) meRoutes() []adminRoute {
	return []adminRoute{
		{"GET /_me", s.meGet},
		{"GET /_me/projects", s.meProjects},
		{"POST /_me/projects", s.meCreateProject},
		{"PATCH /_me/projects/{id}", s.mePatchProject},
		{"DELETE /_me/projects/{id}", s.meDeleteProject},
		{"GET /_me/teams", s.meTeams},
		{"POST /_me/teams", s.meCreateTeam},
		{"GET /_me/teams/{id}/members", s.meMembers},
		{"PUT /_me/teams/{id}/members/{user}", s.mePutMember},
		{"DELETE /_me/teams/{id}/members/{user}", s.meRemoveMember},
		{"GET /_me/teams/{id}/invites", s.meTeamInvites},
		{"POST /_me/teams/{id}/invites", s.meInvite},
		{"DELETE /_me/teams/{id}/invites/{invite}", s.meWithdrawInvite},
		{"GET /_me/teams/{id}/projects", s.meTeamProjects},
		{"PUT /_me/teams/{id}/projects/{project}", s.meAssign},
		{"DELETE /_me/teams/{id}/projects/{project}", s.meUnassign},
		{"GET /_me/invites", s.meInvites},
		{"POST /_me/invites/{id}/accept", s.meAccept},
		{"DELETE /_me/invites/{id}", s.meDecline},
		{"GET /_me/keys", s.meKeys},
		{"POST /_me/keys", s.meCreateKey},
		{"DELETE /_me/keys/{id}", s.meRevokeKey},
	}
}

// meHandler authenticates the user token ("Authorization: Bearer mu_..."
// or "X-API-Key: mu_...") on every request, so a revoked token or a
// deleted user is refused from the next request on.
func (s *Server) meHandler() http.Handler {
	if s.o.NoStoreUsers {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "user accounts are off"))
		})
	}
	mux := http.NewServeMux()
	for _, rt := range s.meRoutes() {
		mux.HandleFunc(rt.pattern, rt.h)
	}
	mux.HandleFunc("/_me/", func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "no such endpoint"))
	})
	authn := auth.UserTokens(s.st.Users())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		p, err := authn(r)
		switch {
		case errors.Is(err, store.ErrUnavailable):
			s.logger.Warn("mockapi: /_me/: user lookup failed", "err", err)
			h.Set("Retry-After", "1")
			problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "the store failed"))
			return
		case err != nil:
			h.Set("WWW-Authenticate", `Bearer realm="mockapi", error="invalid_token"`)
			problem.Write(w, problem.New(http.StatusUnauthorized, problem.CodeInvalidAPIKey, "the user token is malformed, unknown or revoked"))
			return
		case p == nil:
			h.Set("WWW-Authenticate", `Bearer realm="mockapi"`)
			problem.Write(w, problem.New(http.StatusUnauthorized, problem.CodeAuthRequired, "send your user token as Authorization: Bearer mu_..."))
			return
		}
		u, err := s.st.Users().Get(r.Context(), p.UserID)
		if err != nil {
			s.apiError(w, "user", err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAdminBody)
		mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), meKey{}, u)))
	})
}

func forbid(w http.ResponseWriter, detail string) {
	problem.Write(w, problem.New(http.StatusForbidden, problem.CodeForbidden, detail))
}

func (s *Server) meGet(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, newUserDoc(meUser(r), ""))
}

func (s *Server) meProjects(w http.ResponseWriter, r *http.Request) {
	ps, err := s.UserProjects(r.Context(), meUser(r).ID)
	if err != nil {
		s.apiError(w, "projects", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(ps, func(p *Project) projectDoc { return s.projectDoc(r, p) }))
}

func (s *Server) meCreateProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID         string          `json:"id"`
		Name       string          `json:"name"`
		Spec       json.RawMessage `json:"spec"`
		Visibility string          `json:"visibility"`
	}
	if !readCreate(w, r, &in) {
		return
	}
	spec, ok := specField(w, in.Spec)
	if !ok {
		return
	}
	p, err := s.CreateProject(r.Context(), NewProject{ID: in.ID, Name: in.Name, Spec: spec,
		Visibility: store.Visibility(in.Visibility), Owner: meUser(r).ID})
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusCreated, s.projectDoc(r, p))
}

// ownProject returns the project when the user owns it, else answers 404
// (a project it may not use) or 403 (one it may use but not own).
func (s *Server) ownProject(w http.ResponseWriter, r *http.Request, id string) (*Project, bool) {
	p, err := s.Project(r.Context(), id)
	if err != nil {
		s.apiError(w, "project", err)
		return nil, false
	}
	me := meUser(r).ID
	if p.Owner == me {
		return p, true
	}
	if ok, err := s.mayUse(r.Context(), me, p); err != nil || !ok {
		if err != nil {
			s.apiError(w, "project", err)
		} else {
			problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "project not found"))
		}
		return nil, false
	}
	forbid(w, "only the project's owner may do this")
	return nil, false
}

// mePatchProject gives a project the user owns to another owner (a user
// id) or team (one the user is in; "" for none).
func (s *Server) mePatchProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Owner *string `json:"owner"`
		Team  *string `json:"team"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	p, ok := s.ownProject(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	ctx := r.Context()
	if in.Owner != nil {
		if _, err := s.st.Users().Get(ctx, *in.Owner); err != nil {
			if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
				err = invalidf("owner", nil, "no user %q", *in.Owner)
			}
			s.apiError(w, "project", err)
			return
		}
	}
	if in.Team != nil && *in.Team != "" {
		member, err := s.st.Teams().IsMember(ctx, meUser(r).ID, *in.Team)
		if err != nil {
			s.apiError(w, "team", err)
			return
		}
		if !member {
			forbid(w, "a project can only be given to a team you are in")
			return
		}
	}
	np, err := s.UpdateProject(ctx, p.ID, ProjectUpdate{Owner: in.Owner, Team: in.Team})
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, s.projectDoc(r, np))
}

func (s *Server) meDeleteProject(w http.ResponseWriter, r *http.Request) {
	p, ok := s.ownProject(w, r, r.PathValue("id"))
	if !ok {
		return
	}
	if err := s.DeleteProject(r.Context(), p.ID); err != nil {
		s.apiError(w, "project", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) meTeams(w http.ResponseWriter, r *http.Request) {
	me := meUser(r).ID
	ts, err := s.st.Teams().List(r.Context(), me)
	if err != nil {
		s.apiError(w, "teams", err)
		return
	}
	out := make([]teamDoc, 0, len(ts))
	for _, t := range ts {
		d := newTeamDoc(t)
		if m, err := s.st.Teams().Member(r.Context(), t.ID, me); err == nil {
			d.Role = string(m.Role)
		}
		out = append(out, d)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) meCreateTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	t, err := s.CreateTeam(r.Context(), in.ID, in.Name, meUser(r).ID)
	if err != nil {
		s.apiError(w, "team", err)
		return
	}
	d := newTeamDoc(t)
	d.Role = string(store.RoleOwner)
	writeJSON(w, http.StatusCreated, d)
}

// teamRole returns the user's role in the team, answering 404 when the
// user is not in it (a team it is not in is none of its business) and
// 403 when owner is needed and the user is a member.
func (s *Server) teamRole(w http.ResponseWriter, r *http.Request, owner bool) (string, bool) {
	team := r.PathValue("id")
	m, err := s.st.Teams().Member(r.Context(), team, meUser(r).ID)
	if err != nil {
		s.apiError(w, "team", err)
		return "", false
	}
	if owner && m.Role != store.RoleOwner {
		forbid(w, "only an owner of the team may do this")
		return "", false
	}
	return team, true
}

func (s *Server) meMembers(w http.ResponseWriter, r *http.Request) {
	team, ok := s.teamRole(w, r, false)
	if !ok {
		return
	}
	ms, err := s.st.Teams().Members(r.Context(), team)
	if err != nil {
		s.apiError(w, "team", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(ms, newMemberDoc))
}

// mePutMember: an owner adds a user or changes a role. The last owner
// cannot make itself a member: a team always has an owner under /_me/.
func (s *Server) mePutMember(w http.ResponseWriter, r *http.Request) {
	team, ok := s.teamRole(w, r, true)
	if !ok {
		return
	}
	var in struct {
		Role string `json:"role"`
	}
	if r.ContentLength != 0 && !readJSON(w, r, &in) {
		return
	}
	if in.Role == "" {
		in.Role = string(store.RoleMember)
	}
	user := r.PathValue("user")
	if in.Role != string(store.RoleOwner) && s.lastOwner(w, r, team, user) {
		return
	}
	m, err := s.st.Teams().PutMember(r.Context(), team, user, store.Role(in.Role))
	if err != nil {
		s.apiError(w, "team member", err)
		return
	}
	writeJSON(w, http.StatusOK, newMemberDoc(m))
}

// meRemoveMember: an owner removes anyone; a member may leave; the last
// owner may not.
func (s *Server) meRemoveMember(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("user")
	team, ok := s.teamRole(w, r, user != meUser(r).ID)
	if !ok || s.lastOwner(w, r, team, user) {
		return
	}
	s.removeMember(w, r)
}

// lastOwner answers 409 and returns true when user is the team's only
// owner. (The operator's /_admin/ may still leave a team without one.)
func (s *Server) lastOwner(w http.ResponseWriter, r *http.Request, team, user string) bool {
	ms, err := s.st.Teams().Members(r.Context(), team)
	if err != nil {
		s.apiError(w, "team", err)
		return true
	}
	owners, isOwner := 0, false
	for _, m := range ms {
		if m.Role == store.RoleOwner {
			owners++
			isOwner = isOwner || m.User == user
		}
	}
	if isOwner && owners == 1 {
		problem.Write(w, problem.New(http.StatusConflict, problem.CodeConflict,
			"the team's last owner cannot leave or become a member: make another owner first"))
		return true
	}
	return false
}

func (s *Server) meTeamInvites(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.teamRole(w, r, true); ok {
		s.listInvites(w, r)
	}
}

func (s *Server) meInvite(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.teamRole(w, r, true); ok {
		s.createInvite(w, r)
	}
}

func (s *Server) meWithdrawInvite(w http.ResponseWriter, r *http.Request) {
	team, ok := s.teamRole(w, r, true)
	if !ok {
		return
	}
	inv, err := s.st.Teams().GetInvite(r.Context(), r.PathValue("invite"))
	if err == nil && inv.Team != team {
		err = store.ErrNotFound
	}
	if err == nil {
		err = s.st.Teams().DeleteInvite(r.Context(), inv.ID)
	}
	if err != nil {
		s.apiError(w, "invite", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) meTeamProjects(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.teamRole(w, r, false); ok {
		s.listTeamProjects(w, r)
	}
}

// meAssign: a team owner assigns a project it owns to the team.
func (s *Server) meAssign(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.teamRole(w, r, true); !ok {
		return
	}
	if _, ok := s.ownProject(w, r, r.PathValue("project")); !ok {
		return
	}
	s.assignProject(w, r)
}

// meUnassign: a team owner takes a project out of the team (which only
// narrows who may call it).
func (s *Server) meUnassign(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.teamRole(w, r, true); ok {
		s.unassignProject(w, r)
	}
}

func (s *Server) meInvites(w http.ResponseWriter, r *http.Request) {
	is, err := s.st.Teams().Invites(r.Context(), "", meUser(r).Email)
	if err != nil {
		s.apiError(w, "invites", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(is, newInviteDoc))
}

func (s *Server) meAccept(w http.ResponseWriter, r *http.Request) {
	m, err := s.st.Teams().Accept(r.Context(), r.PathValue("id"), meUser(r).ID)
	if err != nil {
		s.apiError(w, "invite", err)
		return
	}
	writeJSON(w, http.StatusOK, newMemberDoc(m))
}

func (s *Server) meDecline(w http.ResponseWriter, r *http.Request) {
	inv, err := s.st.Teams().GetInvite(r.Context(), r.PathValue("id"))
	if err == nil && inv.Email != meUser(r).Email {
		err = store.ErrNotFound
	}
	if err == nil {
		err = s.st.Teams().DeleteInvite(r.Context(), inv.ID)
	}
	if err != nil {
		s.apiError(w, "invite", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) meKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := s.ListKeys(r.Context(), meUser(r).ID)
	if err != nil {
		s.apiError(w, "keys", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(keys, func(k *store.Key) keyDoc { return s.newKeyDoc(k, "") }))
}

// meCreateKey makes a key owned by the user, scoped to projects it may
// use (at least one: a key of the user never opens every project). The
// key keeps working only while its owner may use the project (see
// Server.ownerStillAllowed).
func (s *Server) meCreateKey(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name      string     `json:"name"`
		Projects  []string   `json:"projects"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if len(in.Projects) == 0 {
		unprocessable(w, "projects: name at least one project the key may call")
		return
	}
	me := meUser(r).ID
	for _, id := range slices.Compact(slices.Sorted(slices.Values(in.Projects))) {
		p, err := s.Project(r.Context(), id)
		ok := false
		if err == nil {
			ok, err = s.mayUse(r.Context(), me, p)
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrInvalid) {
			s.apiError(w, "key", err)
			return
		}
		if !ok {
			unprocessable(w, "projects: you may not use project "+id)
			return
		}
	}
	nk := NewKey{Name: in.Name, Projects: in.Projects, Owner: me}
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

func (s *Server) meRevokeKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.GetKey(r.Context(), r.PathValue("id"))
	if err == nil && k.Owner != meUser(r).ID {
		err = store.ErrNotFound
	}
	if err == nil {
		err = s.RevokeKey(r.Context(), k.ID)
	}
	if err != nil {
		s.apiError(w, "key", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
