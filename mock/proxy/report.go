package proxy

import (
	"context"
	"strings"

	"github.com/mockapi-go/mockapi/mock"
)

// Where an answer came from (Report.Source).
const (
	SourceUpstream = "upstream" // the upstream's answer, passed on or refused
	SourceFallback = "fallback" // the mock's, after the upstream could not answer
)

// A Report says what the proxy did with one request: the request log of a
// layer above the mock (mockapi.Server) reads it. Put an empty one in the
// request's context with ContextWithReport; the proxy fills it in. A
// request the proxy did not forward leaves it empty.
type Report struct {
	// Source is SourceUpstream, SourceFallback or "" (not forwarded).
	Source string
	// Reason says why the mock answered: "unreachable", "timeout",
	// "status 404", "body too large", "refused: not a public address".
	Reason string
	// Status is the upstream's status, when it answered.
	Status int
	// Drift lists how the upstream's answer disagrees with the description.
	Drift []mock.Violation
	// Refused: the answer drifted and Strict replaced it with a 502.
	Refused bool
}

// maxDriftText bounds DriftText (store.MaxLogDrift, which this package
// does not import, cuts it again).
const maxDriftText = 1024

// DriftText writes Drift on one line, as a request log keeps it: "body
// /0/name: value must be a string; status: ...". Empty without drift.
func (r *Report) DriftText() string {
	if r == nil || len(r.Drift) == 0 {
		return ""
	}
	var b strings.Builder
	for i, v := range r.Drift {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
		if b.Len() > maxDriftText {
			break
		}
	}
	return b.String()
}

type reportKey struct{}

// ContextWithReport returns ctx carrying rep, for the proxy to fill in.
func ContextWithReport(ctx context.Context, rep *Report) context.Context {
	return context.WithValue(ctx, reportKey{}, rep)
}

// ReportFrom returns the report ctx carries, or nil.
func ReportFrom(ctx context.Context) *Report {
	rep, _ := ctx.Value(reportKey{}).(*Report)
	return rep
}
