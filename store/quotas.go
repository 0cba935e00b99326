package store

import (
	"context"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/store/driver"
)

// Quota bounds what a project or a user may use; see driver.Quota.
type Quota = driver.Quota

// Count is a usage counter of a subject in a period; see driver.Count.
type Count = driver.Count

// ProjectSubject and UserSubject name the subject of a Quota or Count.
func ProjectSubject(id string) string { return "project:" + id }

// UserSubject names a user as the subject of a Quota or Count.
func UserSubject(id string) string { return "user:" + id }

// DayPeriod and MonthPeriod name the UTC day and month of t as a Count's
// Period.
func DayPeriod(t time.Time) string { return "d:" + t.UTC().Format("2006-01-02") }

// MonthPeriod names the UTC month of t as a Count's Period.
func MonthPeriod(t time.Time) string { return "m:" + t.UTC().Format("2006-01") }

// Quotas stores quotas and usage counters: the type a Store's Quotas
// returns, over any backend. It is safe for concurrent use.
type Quotas struct {
	s *Store
	d driver.Quotas
}

func validSubject(s string) error {
	kind, id, ok := strings.Cut(s, ":")
	if !ok || (kind != "project" && kind != "user") || id == "" || len(id) > 128 {
		return invalid("quota subject %q is not project:<id> or user:<id>", s)
	}
	return nil
}

// Put sets the subject's quota; a quota whose bounds are all zero removes
// it.
func (qs *Quotas) Put(ctx context.Context, q *Quota) error {
	if err := qs.s.check(); err != nil {
		return err
	}
	if q == nil {
		return invalid("nil quota")
	}
	if err := validSubject(q.Subject); err != nil {
		return err
	}
	if q.RequestsPerDay < 0 || q.RequestsPerMonth < 0 || q.Projects < 0 {
		return invalid("quota %s: negative bound", q.Subject)
	}
	if q.RequestsPerDay == 0 && q.RequestsPerMonth == 0 && q.Projects == 0 {
		if err := qs.d.Delete(ctx, q.Subject); err != nil && !isNotFound(err) {
			return err
		}
		return nil
	}
	return qs.d.Put(ctx, q)
}

// Get returns the subject's quota, or ErrNotFound.
func (qs *Quotas) Get(ctx context.Context, subject string) (*Quota, error) {
	if err := qs.s.check(); err != nil {
		return nil, err
	}
	if err := validSubject(subject); err != nil {
		return nil, err
	}
	return qs.d.Get(ctx, subject)
}

// List returns every quota, ordered by subject.
func (qs *Quotas) List(ctx context.Context) ([]*Quota, error) {
	if err := qs.s.check(); err != nil {
		return nil, err
	}
	return qs.d.List(ctx)
}

// Add adds the counts to their counters in one step and returns the
// totals after, in order; an N of zero reads a counter. Callers batch:
// the Server adds what each instance counted every few seconds, not a
// write per request.
func (qs *Quotas) Add(ctx context.Context, counts []Count) ([]int64, error) {
	if err := qs.s.check(); err != nil {
		return nil, err
	}
	for _, c := range counts {
		if err := validSubject(c.Subject); err != nil {
			return nil, err
		}
		if c.N < 0 || !(strings.HasPrefix(c.Period, "d:") || strings.HasPrefix(c.Period, "m:")) {
			return nil, invalid("count %s %q: negative or not a d: or m: period", c.Subject, c.Period)
		}
	}
	if len(counts) == 0 {
		return nil, nil
	}
	return qs.d.Add(ctx, counts)
}
