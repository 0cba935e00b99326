package mock

import "context"

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
