package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// requestLog is the portable RequestLog.
type requestLog struct {
	s *Store
	d RequestLog
}

func (l *requestLog) Append(ctx context.Context, entries ...Entry) error {
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

func (l *requestLog) Query(ctx context.Context, q LogQuery) ([]Entry, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	switch {
	case q.Limit < 0 || q.Limit > 10000:
		return nil, invalid("request log: limit %d not in 0..10000", q.Limit)
	case q.Limit == 0:
		q.Limit = 100
	}
	q.Since, q.Until, q.After.Time = utc(q.Since), utc(q.Until), utc(q.After.Time)
	return l.d.Query(ctx, q)
}

func (l *requestLog) Stats(ctx context.Context, project string, since, until time.Time) (*Stats, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if project == "" {
		return nil, invalid("request log: stats: empty project")
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return nil, invalid("request log: stats: since %v not before until %v", since, until)
	}
	return l.d.Stats(ctx, project, utc(since), utc(until))
}

func (l *requestLog) Prune(ctx context.Context, r Retention) (int, error) {
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
