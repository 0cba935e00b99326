package mock

import (
	"github.com/mockapi-go/mockapi/internal/secret"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/openapi"
)

// log writes one request line. Query parameters that carry credentials are
// redacted, matched case-insensitively: the names the handler knows (its
// list and the document's query API keys) and any name that looks like a
// credential (secretName). Headers are never logged.
//
// The record is built here rather than through Logger.LogAttrs, which
// captures the caller's program counter on every call: a stack walk that
// cost as much as formatting the line, for a source that would always
// name this function.
func (h *Handler) log(r *http.Request, op *openapi.Operation, status int, start time.Time) {
	lh := h.cfg.logger.Handler()
	ctx := r.Context()
	if !lh.Enabled(ctx, slog.LevelInfo) {
		return
	}
	now := time.Now()
	rec := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	rec.AddAttrs(
		slog.String("method", r.Method),
		slog.String("path", h.redactedTarget(r.URL)),
		slog.Int("status", status),
		slog.Duration("duration", now.Sub(start)),
	)
	if op != nil {
		rec.AddAttrs(slog.String("operation", op.ID))
	}
	_ = lh.Handle(ctx, rec)
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
		if slices.Contains(controlParams[:], k) {
			continue // the mock's own controls (__code=404) carry no secret
		}
		if name := strings.ToLower(k); h.redact[name] || secretName(name) {
			q[k] = []string{"REDACTED"}
		}
	}
	return p + "?" + q.Encode()
}

// secretName reports whether a lower-cased query parameter name looks like
// it carries a credential (internal/secret.Name), or is one of the short
// words that do in a query ("key", "sig", an OAuth "code"). It errs on the
// side of redacting: a log line loses a harmless value rather than keeping
// a secret.
func secretName(name string) bool {
	if secret.Name(name) {
		return true
	}
	for _, word := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		switch word {
		case "key", "sig", "code", "pwd", "pass":
			return true
		}
	}
	return false
}
