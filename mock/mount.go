package mock

import (
	"net/http"
	"strings"
)

// mountPrefix is the part of the request's path that whatever mounted the
// handler took off before calling it: "/api" under
// http.StripPrefix("/api", h). StripPrefix and most routers change r.URL
// but leave r.RequestURI as the client sent it, so the prefix is the
// RequestURI's path before the (escaped) r.URL path it ends with. Without
// a RequestURI (a request built in a test) or when it does not end with
// the path (a router that rewrote it), there is no prefix. Every URL the
// stateful mock writes (Location, Link) goes through it, so following one
// reaches the handler again.
func mountPrefix(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" {
		return ""
	}
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	if !strings.HasPrefix(uri, "/") {
		// Absolute form (a proxy request): drop the scheme and authority.
		i := strings.Index(uri, "://")
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(uri[i+3:], '/')
		if j < 0 {
			return ""
		}
		uri = uri[i+3+j:]
	}
	prefix, ok := strings.CutSuffix(uri, r.URL.EscapedPath())
	if !ok {
		return ""
	}
	return prefix
}

// mountedPath is the escaped request path as the client addresses it,
// with the mount prefix.
func mountedPath(r *http.Request) string {
	return mountPrefix(r) + r.URL.EscapedPath()
}
