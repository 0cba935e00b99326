package mock

import (
	"context"
	"net/http"
	"strings"

	"github.com/mockapi-go/mockapi/internal/secret"
)

type sessionKey struct{}

// ContextWithSession returns a context in which the handler serves the
// request in the visitor session id: stateful reads see the base data plus
// that session's own writes, and writes go to the session only. It takes
// precedence over the X-Mock-Session header and the session cookie; share
// links use it to keep every visitor's changes apart. An empty id means the
// base data.
func ContextWithSession(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, sessionKey{}, id)
}

// SessionFrom returns the visitor session set by ContextWithSession.
func SessionFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(sessionKey{}).(string)
	return id, ok
}

// SessionHeader carries a visitor session: requests with the same value see
// each other's writes, and nobody else does. It takes precedence over the
// session cookie, here and behind share links (package share reads the same
// header), so clients on another origin, where the cookie is not sent,
// keep their writes across requests.
const SessionHeader = "X-Mock-Session"

// session returns the visitor session of the request: pinned in the
// context, sent in the X-Mock-Session header or the session cookie, or a
// new cookie session when the handler hands them out.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) string {
	if s := h.existingSession(r); s != "" {
		return s
	}
	if name := h.cfg.sessionCookie; name != "" {
		id := secret.New("")
		http.SetCookie(w, &http.Cookie{Name: name, Value: id, Path: "/", HttpOnly: true,
			SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return id
	}
	return ""
}

// cleanSession keeps short printable session ids and hashes the rest, so a
// hostile header cannot become a huge or odd store key.
func cleanSession(s string) string {
	if len(s) <= 128 && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		return s
	}
	return secret.Hash(s)
}
