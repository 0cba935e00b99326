package store

import (
	"context"
	"fmt"
	"github.com/mockapi-go/mockapi/store/driver"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Entry is one request-log entry. Path holds no query string, so secrets
// sent as query parameters are never logged. RequestLog.Append bounds
// every text field before a backend sees it (see MaxLogPath).
type Entry = driver.Entry

// Bounds of a request-log entry's fields: Path is cut to MaxLogPath bytes,
// the other fields to MaxLogField bytes, at a UTF-8 boundary, and a cut
// value ends with TruncatedMark. Invalid UTF-8 and control characters (NUL
// included, which PostgreSQL cannot store in text) become U+FFFD.
// UserAgent is cut to MaxLogUserAgent bytes, Drift to MaxLogDrift.
const (
	MaxLogPath      = 1024
	MaxLogField     = 128
	MaxLogUserAgent = 512
	MaxLogDrift     = 1024
	TruncatedMark   = "…[truncated]"
)

// LogCursor is a position in the newest-first order of the request log:
// the Time and ID of an entry.
type LogCursor = driver.LogCursor

// LogQuery selects request-log entries; zero fields match everything.
// See driver.LogQuery.
type LogQuery = driver.LogQuery

// Stats aggregates the entries of one project over a period; see
// driver.Stats.
type Stats = driver.Stats

// DayCount is the number of entries on one UTC day.
type DayCount = driver.DayCount

// OperationStats is the count and mean latency of one operation.
type OperationStats = driver.OperationStats

// Retention says which entries RequestLog.Prune removes; see
// driver.Retention.
type Retention = driver.Retention

// RequestLog stores the requests the mock answered: the type a Store's
// RequestLog returns, over any backend. It is safe for concurrent use.
type RequestLog struct {
	s *Store
	d driver.RequestLog
}

// Append stores entries in one batch.
func (l *RequestLog) Append(ctx context.Context, entries ...Entry) error {
	if err := l.s.check(); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	clean := make([]Entry, len(entries))
	for i, e := range entries {
		if e.Project == "" {
			return invalid("request log: entry %d: empty project", i)
		}
		if e.Time.IsZero() {
			e.Time = l.s.now()
		}
		e.Time = utc(e.Time)
		if j := strings.IndexAny(e.Path, "?#"); j >= 0 {
			e.Path = e.Path[:j]
		}
		e.Path = clip(e.Path, MaxLogPath)
		e.Project = clip(e.Project, MaxLogField)
		e.Operation = clip(e.Operation, MaxLogField)
		e.Method = clip(e.Method, MaxLogField)
		e.KeyID = clip(e.KeyID, MaxLogField)
		e.LinkID = clip(e.LinkID, MaxLogField)
		e.Session = clip(e.Session, MaxLogField)
		e.Client = clip(e.Client, MaxLogField)
		e.UserAgent = clip(e.UserAgent, MaxLogUserAgent)
		e.Source = clip(e.Source, MaxLogField)
		e.Drift = clip(e.Drift, MaxLogDrift)
		e.ID = 0
		clean[i] = e
	}
	return l.d.Append(ctx, clean...)
}

// clip makes s safe to store and at most n bytes long: invalid UTF-8 and
// control characters become U+FFFD, and a longer text is cut at a rune
// boundary and ends with TruncatedMark.
func clip(s string, n int) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return utf8.RuneError
			}
			return r
		}, strings.ToValidUTF8(s, string(utf8.RuneError)))
	}
	if len(s) <= n {
		return s
	}
	cut := n - len(TruncatedMark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + TruncatedMark
}

// Query returns matching entries, newest first.
func (l *RequestLog) Query(ctx context.Context, q LogQuery) ([]Entry, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	switch {
	case q.Limit < 0 || q.Limit > 10000:
		return nil, invalid("request log: limit %d not in 0..10000", q.Limit)
	case q.Limit == 0:
		q.Limit = 100
	}
	if q.Status != 0 && (q.Status < 100 || q.Status > 999) {
		return nil, invalid("request log: status %d not in 100..999", q.Status)
	}
	if q.StatusClass != 0 && (q.StatusClass < 1 || q.StatusClass > 9) {
		return nil, invalid("request log: status class %d not in 1..9", q.StatusClass)
	}
	q.Since, q.Until, q.After.Time = utc(q.Since), utc(q.Until), utc(q.After.Time)
	return l.d.Query(ctx, q)
}

// Stats aggregates a project's entries in [since, until); an empty project
// aggregates every project's, and zero times leave the period open.
func (l *RequestLog) Stats(ctx context.Context, project string, since, until time.Time) (*Stats, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return nil, invalid("request log: stats: since %v not before until %v", since, until)
	}
	return l.d.Stats(ctx, project, utc(since), utc(until))
}

// Operations lists every operation of a project that has entries in
// [since, until), ordered by operation, with its count, mean latency and
// newest entry: the request side of an endpoint inventory. Zero times
// leave the period open.
func (l *RequestLog) Operations(ctx context.Context, project string, since, until time.Time) ([]OperationStats, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if project == "" {
		return nil, invalid("request log: operations: empty project")
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return nil, invalid("request log: operations: since %v not before until %v", since, until)
	}
	return l.d.Operations(ctx, project, utc(since), utc(until))
}

// Prune removes entries by the retention rule and says how many.
func (l *RequestLog) Prune(ctx context.Context, r Retention) (int, error) {
	if err := l.s.check(); err != nil {
		return 0, err
	}
	if r.Keep < 0 {
		return 0, invalid("request log: prune: negative keep %d", r.Keep)
	}
	if r.Before.IsZero() && r.Keep == 0 {
		return 0, invalid("request log: prune: neither a time nor a count")
	}
	if r.Project != "" {
		if err := ValidProjectID(r.Project); err != nil {
			return 0, fmt.Errorf("request log: prune: %w", err)
		}
	}
	r.Before = utc(r.Before)
	return l.d.Prune(ctx, r)
}
