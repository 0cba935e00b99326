package mockapi

import (
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// userDoc is a user as the management API shows it: never a token's hash.
type userDoc struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	// Token is the user token, only when created or rotated.
	Token     string    `json:"token,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func newUserDoc(u *store.User, token string) userDoc {
	return userDoc{ID: u.ID, Name: u.Name, Email: u.Email, Token: token, CreatedAt: u.CreatedAt}
}

type teamDoc struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Role is the caller's role, in /_me/ answers.
	Role string `json:"role,omitempty"`
}

func newTeamDoc(t *store.Team) teamDoc {
	return teamDoc{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt}
}

type memberDoc struct {
	Team      string    `json:"team"`
	User      string    `json:"user"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

func newMemberDoc(m *store.Member) memberDoc {
	return memberDoc{Team: m.Team, User: m.User, Role: string(m.Role), CreatedAt: m.CreatedAt}
}

type inviteDoc struct {
	ID        string    `json:"id"`
	Team      string    `json:"team"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

func newInviteDoc(i *store.Invite) inviteDoc {
	return inviteDoc{ID: i.ID, Team: i.Team, Email: i.Email, Role: string(i.Role), CreatedAt: i.CreatedAt}
}

func docs[T, D any](in []*T, f func(*T) D) []D {
	out := make([]D, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// users

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	token, u, err := s.CreateUser(r.Context(), in.Name, in.Email)
	if err != nil {
		s.apiError(w, "user", err)
		return
	}
	writeJSON(w, http.StatusCreated, newUserDoc(u, token))
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	us, err := s.ListUsers(r.Context())
	if err != nil {
		s.apiError(w, "users", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(us, func(u *store.User) userDoc { return newUserDoc(u, "") }))
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	u, err := s.GetUser(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "user", err)
		return
	}
	writeJSON(w, http.StatusOK, newUserDoc(u, ""))
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name  *string `json:"name"`
		Email *string `json:"email"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	u, err := s.UpdateUser(r.Context(), r.PathValue("id"), in.Name, in.Email)
	if err != nil {
		s.apiError(w, "user", err)
		return
	}
	writeJSON(w, http.StatusOK, newUserDoc(u, ""))
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	if err := s.DeleteUser(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "user", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) rotateUserToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	token, err := s.RotateUserToken(r.Context(), id)
	if err != nil {
		s.apiError(w, "user", err)
		return
	}
	u, err := s.GetUser(r.Context(), id)
	if err != nil {
		s.apiError(w, "user", err)
		return
	}
	writeJSON(w, http.StatusCreated, newUserDoc(u, token))
}

func (s *Server) revokeUserTokens(w http.ResponseWriter, r *http.Request) {
	if err := s.RevokeUserTokens(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "user", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// teams

func (s *Server) createTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Owner string `json:"owner"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	t, err := s.CreateTeam(r.Context(), in.ID, in.Name, in.Owner)
	if err != nil {
		s.apiError(w, "team", err)
		return
	}
	writeJSON(w, http.StatusCreated, newTeamDoc(t))
}

func (s *Server) listTeams(w http.ResponseWriter, r *http.Request) {
	ts, err := s.st.Teams().List(r.Context(), r.URL.Query().Get("user"))
	if err != nil {
		s.apiError(w, "teams", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(ts, newTeamDoc))
}

func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) {
	t, err := s.st.Teams().Get(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "team", err)
		return
	}
	writeJSON(w, http.StatusOK, newTeamDoc(t))
}

func (s *Server) patchTeam(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	t, err := s.st.Teams().Rename(r.Context(), r.PathValue("id"), in.Name)
	if err != nil {
		s.apiError(w, "team", err)
		return
	}
	writeJSON(w, http.StatusOK, newTeamDoc(t))
}

func (s *Server) deleteTeam(w http.ResponseWriter, r *http.Request) {
	if err := s.DeleteTeam(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "team", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	ms, err := s.st.Teams().Members(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiError(w, "team", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(ms, newMemberDoc))
}

func (s *Server) putMember(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Role string `json:"role"`
	}
	if r.ContentLength != 0 && !readJSON(w, r, &in) {
		return
	}
	if in.Role == "" {
		in.Role = string(store.RoleMember)
	}
	m, err := s.st.Teams().PutMember(r.Context(), r.PathValue("id"), r.PathValue("user"), store.Role(in.Role))
	if err != nil {
		s.apiError(w, "team member", err)
		return
	}
	writeJSON(w, http.StatusOK, newMemberDoc(m))
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	if err := s.st.Teams().RemoveMember(r.Context(), r.PathValue("id"), r.PathValue("user")); err != nil {
		s.apiError(w, "team member", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) createInvite(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Role == "" {
		in.Role = string(store.RoleMember)
	}
	inv, err := s.st.Teams().Invite(r.Context(), r.PathValue("id"), in.Email, store.Role(in.Role))
	if err != nil {
		s.apiError(w, "invite", err)
		return
	}
	writeJSON(w, http.StatusCreated, newInviteDoc(inv))
}

func (s *Server) listInvites(w http.ResponseWriter, r *http.Request) {
	is, err := s.st.Teams().Invites(r.Context(), r.PathValue("id"), "")
	if err != nil {
		s.apiError(w, "invites", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(is, newInviteDoc))
}

func (s *Server) deleteInvite(w http.ResponseWriter, r *http.Request) {
	if err := s.st.Teams().DeleteInvite(r.Context(), r.PathValue("id")); err != nil {
		s.apiError(w, "invite", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listTeamProjects(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.st.Teams().Get(r.Context(), id); err != nil {
		s.apiError(w, "team", err)
		return
	}
	ps, err := s.ListProjects(r.Context(), store.ProjectFilter{Team: id})
	if err != nil {
		s.apiError(w, "projects", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(ps, func(p *Project) projectDoc { return s.projectDoc(r, p) }))
}

func (s *Server) assignProject(w http.ResponseWriter, r *http.Request) {
	p, err := s.AssignProject(r.Context(), r.PathValue("id"), r.PathValue("project"))
	if err != nil {
		s.apiError(w, "project", err)
		return
	}
	writeJSON(w, http.StatusOK, s.projectDoc(r, p))
}

func (s *Server) unassignProject(w http.ResponseWriter, r *http.Request) {
	team, id := r.PathValue("id"), r.PathValue("project")
	p, err := s.Project(r.Context(), id)
	if err == nil && p.Team != team {
		err = store.ErrNotFound // not this team's
	}
	if err == nil {
		_, err = s.AssignProject(r.Context(), "", id)
	}
	if err != nil {
		s.apiError(w, "team project", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// quotas

type quotaDoc struct {
	Subject          string `json:"subject"`
	RequestsPerDay   int64  `json:"requests_per_day"`
	RequestsPerMonth int64  `json:"requests_per_month"`
	Projects         int64  `json:"projects"`
	// Used is what was counted today and this month (UTC), on GET of one.
	Used *usageDoc `json:"used,omitempty"`
}

type usageDoc struct {
	Day   int64 `json:"day"`
	Month int64 `json:"month"`
}

func newQuotaDoc(q *store.Quota) quotaDoc {
	return quotaDoc{Subject: q.Subject, RequestsPerDay: q.RequestsPerDay, RequestsPerMonth: q.RequestsPerMonth, Projects: q.Projects}
}

func (s *Server) putQuota(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RequestsPerDay   int64 `json:"requests_per_day"`
		RequestsPerMonth int64 `json:"requests_per_month"`
		Projects         int64 `json:"projects"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	q := store.Quota{Subject: r.PathValue("subject"), RequestsPerDay: in.RequestsPerDay, RequestsPerMonth: in.RequestsPerMonth, Projects: in.Projects}
	if err := s.SetQuota(r.Context(), q); err != nil {
		s.apiError(w, "quota", err)
		return
	}
	writeJSON(w, http.StatusOK, newQuotaDoc(&q))
}

func (s *Server) listQuotas(w http.ResponseWriter, r *http.Request) {
	qs, err := s.st.Quotas().List(r.Context())
	if err != nil {
		s.apiError(w, "quotas", err)
		return
	}
	writeJSON(w, http.StatusOK, docs(qs, newQuotaDoc))
}

func (s *Server) getQuota(w http.ResponseWriter, r *http.Request) {
	subject := r.PathValue("subject")
	q, err := s.Quota(r.Context(), subject)
	if err != nil {
		s.apiError(w, "quota", err)
		return
	}
	d := newQuotaDoc(q)
	day, month, err := s.Usage(r.Context(), subject)
	if err != nil {
		s.apiError(w, "quota", err)
		return
	}
	d.Used = &usageDoc{Day: day, Month: month}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) deleteQuota(w http.ResponseWriter, r *http.Request) {
	subject := r.PathValue("subject")
	if _, err := s.Quota(r.Context(), subject); err != nil {
		s.apiError(w, "quota", err)
		return
	}
	if err := s.SetQuota(r.Context(), store.Quota{Subject: subject}); err != nil {
		s.apiError(w, "quota", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
