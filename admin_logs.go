package mockapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// parsePeriod reads "7d", "30d", "24h" (a number of days or a Go duration).
func parsePeriod(v string) (time.Duration, bool) {
	if v == "" {
		return 7 * 24 * time.Hour, true
	}
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 3660 {
			return 0, false
		}
		return time.Duration(days) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d > 0
}

// analytics answers a project's request statistics over a period.
func (s *Server) analytics(w http.ResponseWriter, r *http.Request) {
	s.answerAnalytics(w, r, r.PathValue("id"))
}

// analyticsAll answers the request statistics of every project, in the
// shape of a project's.
func (s *Server) analyticsAll(w http.ResponseWriter, r *http.Request) { s.answerAnalytics(w, r, "") }

// answerAnalytics answers the statistics of a project, or of every
// project when id is empty.
func (s *Server) answerAnalytics(w http.ResponseWriter, r *http.Request, id string) {
	period := r.URL.Query().Get("period")
	out, err := s.analyticsOf(r.Context(), id, period)
	if err != nil {
		var pe *periodError
		if errors.As(err, &pe) {
			badRequest(w, "%v", err)
			return
		}
		what := "analytics"
		if errors.Is(err, store.ErrNotFound) {
			what = "project"
		}
		s.storeError(w, what, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// periodError is a period parsePeriod cannot read.
type periodError struct{ period string }

func (e *periodError) Error() string {
	return fmt.Sprintf("period %q is not a number of days (\"7d\") or a duration (\"24h\")", e.period)
}

// AnalyticsDay is one day of Analytics.ByDay.
type AnalyticsDay struct {
	Date  string `json:"date"`
	Count int    `json:"count"`
}

// AnalyticsEndpoint is one of Analytics.Top: an operation, its request
// count and mean latency.
type AnalyticsEndpoint struct {
	ProjectID   string  `json:"project_id"`
	Method      string  `json:"method"`
	Path        string  `json:"path"`
	OperationID string  `json:"operation_id"`
	Count       int     `json:"requests_count"`
	AvgMS       float64 `json:"avg_response_time_ms"`
}

// Analytics is a project's (or every project's) request statistics over a
// period, as Server.Analytics, the analytics endpoints and the dashboard
// give them; its JSON is the endpoints' answer.
type Analytics struct {
	Total          int                 `json:"total_requests"`
	Unique         int                 `json:"unique_endpoints"`
	Period         string              `json:"time_period"`
	ByDay          []AnalyticsDay      `json:"requests_by_day"`
	Top            []AnalyticsEndpoint `json:"top_endpoints"`
	ByStatus       map[string]int      `json:"by_status"`
	PageViews      int                 `json:"page_views"`
	Dropped        int64               `json:"dropped_log_entries"`
	FailedToRecord int64               `json:"failed_log_entries"`
	// With a real API behind the mock (mock.WithUpstream, -upstream): the
	// requests it answered, those the mock answered after it could not,
	// and its answers that disagreed with the description.
	Upstream  int `json:"upstream_requests"`
	Fallbacks int `json:"fallback_requests"`
	Drift     int `json:"drift_requests"`

	since, until time.Time
}

// Analytics returns the request statistics of a project, or of every
// project when project is "", over period: a number of days ("30d") or a
// Go duration ("24h"); "" is 7 days. Entries still queued are written
// first. An unknown project is ErrNotFound; a period that does not parse,
// a *ValidationError.
func (s *Server) Analytics(ctx context.Context, project, period string) (*Analytics, error) {
	a, err := s.analyticsOf(ctx, project, period)
	var pe *periodError
	if errors.As(err, &pe) {
		return nil, invalidf("period", nil, "%v", pe)
	}
	return a, err
}

// Logs returns a project's request-log entries that q selects (q.Project
// is set to project), newest first, after writing the entries still
// queued; q.Limit 0 is 100, and at most 10,000 are returned. Page with
// q.After set to the last entry's Cursor().
func (s *Server) Logs(ctx context.Context, project string, q store.LogQuery) ([]store.Entry, error) {
	if _, err := s.st.Projects().Version(ctx, project); err != nil {
		return nil, err
	}
	_ = s.rec.FlushContext(ctx)
	q.Project = project
	switch {
	case q.Limit <= 0:
		q.Limit = 100
	case q.Limit > 10000:
		q.Limit = 10000
	}
	return s.st.RequestLog().Query(ctx, q)
}

// analyticsOf computes the statistics of a project, or of every project
// when id is empty, over period ("7d", "24h"; empty: 7 days). An unknown
// project is ErrNotFound; a period that does not parse a *periodError.
func (s *Server) analyticsOf(ctx context.Context, id, period string) (*Analytics, error) {
	d, ok := parsePeriod(period)
	if !ok {
		return nil, &periodError{period}
	}
	if period == "" {
		period = "7d"
	}
	docs := map[string]*openapi.Document{}
	if id != "" {
		c, err := s.project(ctx, id)
		if err != nil {
			return nil, err
		}
		docs[id] = c.doc
	}
	_ = s.rec.FlushContext(ctx)
	now := time.Now().UTC()
	since, until := now.Add(-d), now.Add(time.Second)
	st, err := s.st.RequestLog().Stats(ctx, id, since, until)
	if err != nil {
		return nil, err
	}
	out := &Analytics{Total: st.Total, Period: period, ByDay: []AnalyticsDay{}, Top: []AnalyticsEndpoint{}, ByStatus: map[string]int{},
		PageViews: st.PageViews, Dropped: s.rec.dropped.Load(), FailedToRecord: s.rec.failed.Load(),
		Upstream: st.Upstream, Fallbacks: st.Fallbacks, Drift: st.Drift, since: since, until: until}
	for _, dc := range st.ByDay {
		out.ByDay = append(out.ByDay, AnalyticsDay{Date: dc.Day.Format("2006-01-02"), Count: dc.Count})
	}
	for _, op := range st.TopOperations {
		if op.Operation == "" {
			continue // not an endpoint: page views are counted apart
		}
		e := AnalyticsEndpoint{ProjectID: op.Project, OperationID: op.Operation, Count: op.Count, AvgMS: millis(op.AvgLatency)}
		doc, seen := docs[op.Project]
		if !seen {
			// Across projects, each project's description is looked up
			// once; a project deleted since, or broken, leaves the
			// method and path empty.
			if c, err := s.project(ctx, op.Project); err == nil {
				doc = c.doc
			}
			docs[op.Project] = doc
		}
		if doc != nil {
			if o := doc.Operation(op.Operation); o != nil {
				e.Method, e.Path = o.Method, servedPath(o)
			}
		}
		out.Unique++
		out.Top = append(out.Top, e)
	}
	for class, n := range st.ByStatusClass {
		out.ByStatus[fmt.Sprintf("%dxx", class)] = n
	}
	return out, nil
}

// servedPath is an operation's path template as requests (and the request
// log) write it: below the project, base path included.
func servedPath(o *openapi.Operation) string {
	if len(o.BasePaths) > 0 {
		return o.BasePaths[0] + o.Path
	}
	return o.Path
}

// millis is d in milliseconds, to the microsecond.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// maxLogsResponse bounds the bytes of one page of the logs endpoint: a page
// ends at limit entries or at this size, whichever comes first, and a Link
// header (rel="next") continues it.
const maxLogsResponse = 1 << 20

// logEntryDoc is a request-log entry as the management API shows it.
type logEntryDoc struct {
	Time        time.Time `json:"time"`
	OperationID string    `json:"operation_id,omitempty"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Status      int       `json:"status"`
	LatencyMS   float64   `json:"latency_ms"`
	KeyID       string    `json:"key_id,omitempty"`
	LinkID      string    `json:"link_id,omitempty"`
	Session     string    `json:"session,omitempty"`
	ClientIP    string    `json:"client_ip,omitempty"`
	UserAgent   string    `json:"user_agent,omitempty"`
	Source      string    `json:"source,omitempty"`
	Drift       string    `json:"drift,omitempty"`
}

// logCursor is the opaque cursor of the logs endpoint: "micros.id".
func logCursor(c store.LogCursor) string {
	return strconv.FormatInt(c.Time.UnixMicro(), 36) + "." + strconv.FormatInt(c.ID, 36)
}

func parseLogCursor(v string) (store.LogCursor, bool) {
	t, id, ok := strings.Cut(v, ".")
	us, err1 := strconv.ParseInt(t, 36, 64)
	n, err2 := strconv.ParseInt(id, 36, 64)
	if !ok || err1 != nil || err2 != nil || us <= 0 || n < 0 {
		return store.LogCursor{}, false
	}
	return store.LogCursor{Time: time.UnixMicro(us).UTC(), ID: n}, true
}

// logParams are the query parameters of the logs endpoint; anything else
// is refused, so a misspelt filter is not silently ignored.
var logParams = map[string]bool{"limit": true, "cursor": true, "operation_id": true, "operation": true,
	"status": true, "link_id": true, "key_id": true, "session": true, "since": true, "until": true,
	"drift": true}

// parseLogQuery reads the filters, limit and cursor of the logs endpoint.
func parseLogQuery(v url.Values) (store.LogQuery, error) {
	q := store.LogQuery{Limit: 100}
	for name, vs := range v {
		if !logParams[name] {
			return q, fmt.Errorf("%q is not a parameter of the logs endpoint (limit, cursor, operation_id, status, link_id, key_id, session, since, until, drift)", name)
		}
		if len(vs) > 1 {
			return q, fmt.Errorf("%q is given %d times; give it once", name, len(vs))
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 10000 {
			return q, fmt.Errorf("limit %q is not a number in 1..10000", s)
		}
		q.Limit = n
	}
	if s := v.Get("cursor"); s != "" {
		c, ok := parseLogCursor(s)
		if !ok {
			return q, fmt.Errorf("cursor %q is not a cursor from a Link header of this endpoint", s)
		}
		q.After = c
	}
	if v.Has("operation") && v.Has("operation_id") {
		return q, errors.New("give operation_id or operation, not both")
	}
	q.Operation = cmp.Or(v.Get("operation_id"), v.Get("operation"))
	q.LinkID, q.KeyID, q.Session = v.Get("link_id"), v.Get("key_id"), v.Get("session")
	switch s := v.Get("drift"); s {
	case "", "false":
	case "true":
		q.Drift = true
	default:
		return q, fmt.Errorf("drift %q is not true or false", s)
	}
	if s := v.Get("status"); s != "" {
		switch n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(s), "xx")); {
		case err != nil:
			return q, fmt.Errorf("status %q is not a status (404) or a class (4xx)", s)
		case len(s) == 3 && strings.HasSuffix(strings.ToLower(s), "xx") && n >= 1 && n <= 5:
			q.StatusClass = n
		case len(s) == 3 && n >= 100 && n <= 599:
			q.Status = n
		default:
			return q, fmt.Errorf("status %q is not a status (100..599) or a class (1xx..5xx)", s)
		}
	}
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if s := v.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return q, fmt.Errorf("%s %q is not an RFC 3339 time (2026-03-01T10:00:00Z)", p.name, s)
			}
			*p.to = t
		}
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, fmt.Errorf("since %s is not before until %s", v.Get("since"), v.Get("until"))
	}
	return q, nil
}

// logs answers a page of a project's request log, newest first, as a JSON
// array, filtered by the query's operation_id, status (404, or a class:
// 4xx), link_id, key_id, session, since (inclusive), until (exclusive,
// both RFC 3339) and drift (true: only answers of an upstream that
// disagreed with the description). A page holds at most limit entries (default 100, at most
// 10000) and about maxLogsResponse bytes; when more may remain (the page
// was cut), a Link header names the next page: the same filters, and
// ?cursor=....
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	params := r.URL.Query()
	q, err := parseLogQuery(params)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	q.Project = id
	// Whether the project exists: its version, not the whole project and
	// its description, which a store may keep compressed.
	if _, err := s.st.Projects().Version(r.Context(), id); err != nil {
		s.storeError(w, "project", err)
		return
	}
	_ = s.rec.FlushContext(r.Context())
	entries, err := s.st.RequestLog().Query(r.Context(), q)
	if err != nil {
		s.storeError(w, "logs", err)
		return
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	n := 0
	for _, e := range entries {
		b, err := json.Marshal(logEntryDoc{Time: e.Time, OperationID: e.Operation, Method: e.Method, Path: e.Path, Status: e.Status,
			LatencyMS: millis(e.Latency), KeyID: e.KeyID, LinkID: e.LinkID, Session: e.Session,
			ClientIP: e.Client, UserAgent: e.UserAgent, Source: e.Source, Drift: e.Drift})
		if err != nil {
			continue
		}
		if n > 0 && buf.Len()+len(b)+2 > maxLogsResponse {
			break
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
		n++
	}
	buf.WriteByte(']')
	if n > 0 && (n < len(entries) || len(entries) == q.Limit) {
		next := maps.Clone(params)
		next.Set("limit", strconv.Itoa(q.Limit))
		next.Set("cursor", logCursor(entries[n-1].Cursor()))
		w.Header().Set("Link", "<"+s.url("/_admin/projects/"+id+"/logs?"+next.Encode())+`>; rel="next"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
