package mock

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/openapi"
)

// log writes one request line. Query parameters that carry credentials are
// redacted; headers are never logged.
func (h *Handler) log(r *http.Request, op *openapi.Operation, status int, d time.Duration) {
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", h.redactedTarget(r.URL)),
		slog.Int("status", status),
		slog.Duration("duration", d),
	}
	if op != nil {
		attrs = append(attrs, slog.String("operation", op.ID))
	}
	h.cfg.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

// redactedTarget is the path and query with secret-bearing parameters
// replaced by "REDACTED".
func (h *Handler) redactedTarget(u *url.URL) string {
	p := u.EscapedPath()
	if u.RawQuery == "" {
		return p
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return p + "?REDACTED"
	}
	for k := range q {
		if h.redact[strings.ToLower(k)] {
			q[k] = []string{"REDACTED"}
		}
	}
	return p + "?" + q.Encode()
}
