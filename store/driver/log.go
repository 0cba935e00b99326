package driver

import (
	"context"
	"time"
)

// Entry is one request-log entry. Path holds no query string, so secrets
// sent as query parameters are never logged.
//
// Through a Store, every text field is bounded before a backend sees it, so
// an anonymous caller cannot make one entry large: Path to store.MaxLogPath bytes,
// the other fields to store.MaxLogField bytes; a longer value is cut at a UTF-8
// boundary and ends with store.TruncatedMark. Invalid UTF-8 and control characters
// (NUL included, which PostgreSQL cannot store in text) become U+FFFD.
type Entry struct {
	ID        int64 // assigned by the store
	Time      time.Time
	Project   string
	Operation string
	Method    string
	Path      string
	Status    int
	Latency   time.Duration
	KeyID     string
	LinkID    string
	Session   string
	// Client is the address of the caller (an IP address), or empty when
	// the Server keeps no addresses.
	Client string
	// UserAgent is the User-Agent header of the request, bounded to
	// store.MaxLogUserAgent bytes.
	UserAgent string
	// Source says who answered when the mock has an upstream (package
	// mock/proxy): "upstream" (the real API), "fallback" (the mock, after
	// the upstream could not answer), or "" (the mock alone).
	Source string
	// Drift says how the upstream's answer disagreed with the description
	// ("body /0/name: value must be a string; ..."), bounded to
	// store.MaxLogDrift bytes; empty when it agreed.
	Drift string
}

// LogCursor is a position in the newest-first order of the request log:
// the Time and ID of an entry.
type LogCursor struct {
	Time time.Time
	ID   int64
}

// Cursor is the position of e, to continue a listing after it.
func (e Entry) Cursor() LogCursor { return LogCursor{Time: e.Time, ID: e.ID} }

// LogQuery selects request-log entries; zero fields match everything.
type LogQuery struct {
	Project   string
	Operation string
	KeyID     string
	LinkID    string
	Session   string
	// Status matches entries of that exact status; StatusClass those of
	// a class (4 for 400..499). Zero matches every status.
	Status      int
	StatusClass int
	// Drift matches only entries with a Drift.
	Drift bool
	Since time.Time // inclusive
	Until time.Time // exclusive
	// Limit caps the result, newest first; zero means 100. At most 10000.
	Limit int
	// After continues a listing: only entries older than the position (an
	// earlier Time, or the same Time and a smaller ID) match. Zero: from
	// the newest.
	After LogCursor
}

// Stats aggregates the entries of one project, or of every project, over a
// period.
type Stats struct {
	Total int
	// ByDay counts entries per UTC day, oldest first, days without entries left out.
	ByDay []DayCount
	// TopOperations lists operations by descending count (ties by name,
	// then project), at most ten, each of one project. Entries without an
	// operation are not among them.
	TopOperations []OperationStats
	// PageViews counts entries with a LinkID, no Operation and the Path
	// "/": visits of a share link's project page or export, not calls of
	// the API.
	PageViews int
	// ByStatusClass counts entries by status/100: 2 for 2xx, 4 for 4xx, ...
	ByStatusClass map[int]int
	// Upstream counts entries the upstream answered (Source "upstream"),
	// Fallbacks those the mock answered after trying it, and Drift those
	// whose upstream answer disagreed with the description.
	Upstream  int
	Fallbacks int
	Drift     int
}

// DayCount is the number of entries on one UTC day.
type DayCount struct {
	Day   time.Time // midnight UTC
	Count int
}

// OperationStats is the count and mean latency of one operation of a
// project, and the time of its latest entry.
type OperationStats struct {
	Project    string
	Operation  string
	Count      int
	AvgLatency time.Duration
	// Last is the time of the operation's newest entry in the period.
	Last time.Time
}

// Retention says which entries Prune removes: those older than Before (when
// not zero), then all but the newest Keep (when Keep > 0). When Project is
// set, only that project's entries are considered, so Keep is a per-project
// bound.
type Retention struct {
	Project string
	Before  time.Time
	Keep    int
}

// RequestLog stores the requests the mock answered.
type RequestLog interface {
	// Append stores entries in one batch.
	Append(ctx context.Context, entries ...Entry) error
	// Query returns matching entries, newest first.
	Query(ctx context.Context, q LogQuery) ([]Entry, error)
	// Stats aggregates a project's entries in [since, until); an empty
	// project aggregates every project's.
	Stats(ctx context.Context, project string, since, until time.Time) (*Stats, error)
	// Operations lists every operation of a project that has entries in
	// [since, until), by name, with its count, mean latency and newest
	// entry. Entries without an operation are left out.
	Operations(ctx context.Context, project string, since, until time.Time) ([]OperationStats, error)
	// Prune removes entries by the retention rule and says how many.
	Prune(ctx context.Context, r Retention) (int, error)
}
