package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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

func (s *Server) analytics(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	period := r.URL.Query().Get("period")
	d, ok := parsePeriod(period)
	if !ok {
		badRequest(w, "period %q is not a number of days (\"7d\") or a duration (\"24h\")", period)
		return
	}
	if period == "" {
		period = "7d"
	}
	c, err := s.project(r.Context(), id)
	if err != nil {
		s.storeError(w, "project", err)
		return
	}
	_ = s.rec.FlushContext(r.Context())
	now := time.Now().UTC()
	st, err := s.st.RequestLog().Stats(r.Context(), id, now.Add(-d), now.Add(time.Second))
	if err != nil {
		s.storeError(w, "analytics", err)
		return
	}
	type day struct {
		Date  string `json:"date"`
		Count int    `json:"count"`
	}
	type endpoint struct {
		Method      string  `json:"method"`
		Path        string  `json:"path"`
		OperationID string  `json:"operation_id"`
		Count       int     `json:"requests_count"`
		AvgMS       float64 `json:"avg_response_time_ms"`
	}
	out := struct {
		Total          int            `json:"total_requests"`
		Unique         int            `json:"unique_endpoints"`
		Period         string         `json:"time_period"`
		ByDay          []day          `json:"requests_by_day"`
		Top            []endpoint     `json:"top_endpoints"`
		ByStatus       map[string]int `json:"by_status"`
		PageViews      int            `json:"page_views"`
		Dropped        int64          `json:"dropped_log_entries"`
		FailedToRecord int64          `json:"failed_log_entries"`
	}{Total: st.Total, Period: period, ByDay: []day{}, Top: []endpoint{}, ByStatus: map[string]int{},
		PageViews: st.PageViews, Dropped: s.rec.dropped.Load(), FailedToRecord: s.rec.failed.Load()}
	for _, dc := range st.ByDay {
		out.ByDay = append(out.ByDay, day{Date: dc.Day.Format("2006-01-02"), Count: dc.Count})
	}
	for _, op := range st.TopOperations {
		e := endpoint{OperationID: op.Operation, Count: op.Count, AvgMS: float64(op.AvgLatency.Microseconds()) / 1000}
		if op.Operation == "" {
			continue // not an endpoint: page views are counted apart
		}
		if o := c.doc.Operation(op.Operation); o != nil {
			// As the request log writes paths: as requested, base path included.
			e.Method, e.Path = o.Method, o.Path
			if len(o.BasePaths) > 0 {
				e.Path = o.BasePaths[0] + o.Path
			}
		}
		out.Unique++
		out.Top = append(out.Top, e)
	}
	for class, n := range st.ByStatusClass {
		out.ByStatus[fmt.Sprintf("%dxx", class)] = n
	}
	writeJSON(w, http.StatusOK, out)
}

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

// logs answers a page of a project's request log, newest first, as a JSON
// array. A page holds at most limit entries (default 100, at most 10000)
// and about maxLogsResponse bytes; when more may remain (the page was
// cut), a Link header names the next page (?cursor=...).
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 10000 {
			badRequest(w, "limit %q is not a number in 1..10000", v)
			return
		}
		limit = n
	}
	var after store.LogCursor
	if v := r.URL.Query().Get("cursor"); v != "" {
		c, ok := parseLogCursor(v)
		if !ok {
			badRequest(w, "cursor %q is not a cursor from a Link header of this endpoint", v)
			return
		}
		after = c
	}
	if _, err := s.st.Projects().Get(r.Context(), id); err != nil {
		s.storeError(w, "project", err)
		return
	}
	_ = s.rec.FlushContext(r.Context())
	entries, err := s.st.RequestLog().Query(r.Context(), store.LogQuery{Project: id, Limit: limit, After: after})
	if err != nil {
		s.storeError(w, "logs", err)
		return
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	n := 0
	for _, e := range entries {
		b, err := json.Marshal(logEntryDoc{Time: e.Time, OperationID: e.Operation, Method: e.Method, Path: e.Path, Status: e.Status,
			LatencyMS: float64(e.Latency.Microseconds()) / 1000, KeyID: e.KeyID, LinkID: e.LinkID, Session: e.Session})
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
	if n > 0 && (n < len(entries) || len(entries) == limit) {
		next := url.Values{"limit": {strconv.Itoa(limit)}, "cursor": {logCursor(entries[n-1].Cursor())}}
		w.Header().Set("Link", "<"+s.url("/_admin/projects/"+id+"/logs?"+next.Encode())+`>; rel="next"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
