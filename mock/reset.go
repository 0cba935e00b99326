package mock

import (
	"net/http"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/problem"
)

// serveResetPath answers POST on the reset path (WithResetPath) in the
// caller's own scope. A request in a visitor session (pinned in the
// context, as share links do, or sent in X-Mock-Session or the session
// cookie) drops that session's writes only. Restoring the base data and
// every session needs a caller who may: with no auth.Guard in front,
// anyone who can reach the path; behind one, a caller admitted by key or as
// a user, never a share-link visitor or an anonymous caller of a public
// project (they get 403).
func (h *Handler) serveResetPath(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		problem.Write(w, problem.New(http.StatusMethodNotAllowed, problem.CodeMethodNotAllowed, "reset with POST"))
		return
	}
	if h.state == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if session := h.existingSession(r); session != "" {
		if err := h.state.records.DeleteSession(r.Context(), h.cfg.project, session); err != nil {
			h.storeFailed(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if p, guarded := auth.PrincipalFrom(r.Context()); guarded && (p.LinkID != "" || p.KeyID == "" && p.UserID == "") {
		problem.Write(w, problem.New(http.StatusForbidden, problem.CodeForbidden,
			"resetting the shared data needs an API key; send "+SessionHeader+" to reset your own session's writes"))
		return
	}
	if err := h.Reset(r.Context()); err != nil {
		h.storeFailed(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// existingSession is the request's visitor session, without handing out a
// new cookie: "" when it has none.
func (h *Handler) existingSession(r *http.Request) string {
	if s, ok := SessionFrom(r.Context()); ok {
		return cleanSession(s)
	}
	if s := r.Header.Get(SessionHeader); s != "" {
		return cleanSession(s)
	}
	if name := h.cfg.sessionCookie; name != "" {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return cleanSession(c.Value)
		}
	}
	return ""
}
