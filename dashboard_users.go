package mockapi

import (
	"net/http"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/dashboard"
)

// A user signs in to the dashboard with a user token (mu_...) and sees the
// projects it may use (its own and its teams'), its own keys, and those
// projects' links, logs and analytics; only a project's owner deletes it,
// and the analytics of every project are the operator's. The session ends
// on the next page once the user is deleted or the token revoked.

// userToken checks a user token typed into the sign-in form, as the
// guard checks one sent with a request, and returns its user and token
// ids.
func (d *dash) userToken(r *http.Request, token string) (user, tokenID string, ok bool) {
	if d.s.o.NoStoreUsers || auth.CheckUserToken(token) != nil {
		return "", "", false
	}
	u, t, err := d.s.st.Users().Lookup(r.Context(), auth.HashKey(token))
	if err != nil || !t.RevokedAt.IsZero() {
		return "", "", false
	}
	return u.ID, t.ID, true
}

// userTokenLive reports whether the user and the token a session signed
// in with still exist and the token is not revoked.
func (d *dash) userTokenLive(r *http.Request, sess dashboard.Session) bool {
	ts, err := d.s.st.Users().Tokens(r.Context(), sess.UserID)
	if err != nil {
		return false
	}
	for _, t := range ts {
		if t.ID == sess.TokenID {
			return t.RevokedAt.IsZero()
		}
	}
	return false
}

// mayProject lets a user's request through to h only for a project the
// user may use (ownerOnly: owns); the operator always.
func (d *dash) mayProject(ownerOnly bool, h func(http.ResponseWriter, *http.Request, *dreq)) func(http.ResponseWriter, *http.Request, *dreq) {
	return func(w http.ResponseWriter, r *http.Request, c *dreq) {
		if c.user != "" && !d.userMay(w, r, c, r.PathValue("id"), ownerOnly) {
			return
		}
		h(w, r, c)
	}
}

// userMay checks a user's access to a project, answering the page when it
// has none: the 404 of an unknown project, or 403 for a project it may use
// but not own when ownerOnly.
func (d *dash) userMay(w http.ResponseWriter, r *http.Request, c *dreq, id string, ownerOnly bool) bool {
	p, err := d.s.Project(r.Context(), id)
	if err != nil {
		d.failErr(w, r, c, "project", err)
		return false
	}
	if p.Owner == c.user {
		return true
	}
	ok, err := d.s.mayUse(r.Context(), c.user, p)
	switch {
	case err != nil:
		d.failErr(w, r, c, "project", err)
		return false
	case !ok:
		d.fail(w, r, c, http.StatusNotFound, "There is no such project.")
		return false
	case ownerOnly:
		d.fail(w, r, c, http.StatusForbidden, "Only the project's owner may do this.")
		return false
	}
	return true
}

// operatorOnly keeps a page to the operator (the admin token).
func (d *dash) operatorOnly(h func(http.ResponseWriter, *http.Request, *dreq)) func(http.ResponseWriter, *http.Request, *dreq) {
	return func(w http.ResponseWriter, r *http.Request, c *dreq) {
		if c.user != "" {
			d.fail(w, r, c, http.StatusForbidden, "Only the operator sees every project's analytics.")
			return
		}
		h(w, r, c)
	}
}

// ownKey lets a user's request through only for a key the user owns.
func (d *dash) ownKey(h func(http.ResponseWriter, *http.Request, *dreq)) func(http.ResponseWriter, *http.Request, *dreq) {
	return func(w http.ResponseWriter, r *http.Request, c *dreq) {
		if c.user != "" {
			k, err := d.s.GetKey(r.Context(), r.PathValue("id"))
			if err != nil || k.Owner != c.user {
				d.fail(w, r, c, http.StatusNotFound, "There is no such key.")
				return
			}
		}
		h(w, r, c)
	}
}

// linkOfMine lets a user's request through only for a link of a project
// the user may use.
func (d *dash) linkOfMine(h func(http.ResponseWriter, *http.Request, *dreq)) func(http.ResponseWriter, *http.Request, *dreq) {
	return func(w http.ResponseWriter, r *http.Request, c *dreq) {
		if c.user != "" {
			l, err := d.link(r, r.PathValue("id"))
			if err != nil {
				d.fail(w, r, c, http.StatusNotFound, "There is no such link.")
				return
			}
			if !d.userMay(w, r, c, l.Project, false) {
				return
			}
		}
		h(w, r, c)
	}
}

// userScope checks the projects a user gives a key: at least one (a user's
// key never opens every project), each one the user may use. The
// operator's keys are not limited.
func (d *dash) userScope(r *http.Request, c *dreq, projects []string) (string, bool) {
	if c.user == "" {
		return "", true
	}
	if len(projects) == 0 {
		return "projects: choose at least one project the key may call", false
	}
	for _, id := range projects {
		p, err := d.s.Project(r.Context(), id)
		ok := err == nil && p.Owner == c.user
		if err == nil && !ok {
			ok, _ = d.s.mayUse(r.Context(), c.user, p)
		}
		if !ok {
			return "projects: you may not use project " + id, false
		}
	}
	return "", true
}
