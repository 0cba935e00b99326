package mockapi

import (
	"context"
	"fmt"

	"github.com/mockapi-go/mockapi/store"
)

// QuotaError is the error of a call refused by a quota (a user's
// projects). The management API answers it 429 QUOTA_EXCEEDED.
type QuotaError struct {
	Subject string // "user:<id>" or "project:<id>"
	Name    string // "projects"
	Size    int64
	Used    int64
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("mockapi: the %s quota of %s (%d) is used up", e.Name, e.Subject, e.Size)
}

// checkProjectQuota refuses a new project for an owner whose projects
// quota is used up.
func (s *Server) checkProjectQuota(ctx context.Context, owner string) error {
	if owner == "" {
		return nil
	}
	q, err := s.st.Quotas().Get(ctx, store.UserSubject(owner))
	if isNotFoundErr(err) || (err == nil && q.Projects == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	ps, err := s.st.Projects().List(ctx, store.ProjectFilter{Owner: owner})
	if err != nil {
		return err
	}
	if int64(len(ps)) >= q.Projects {
		return &QuotaError{Subject: q.Subject, Name: "projects", Size: q.Projects, Used: int64(len(ps))}
	}
	return nil
}

// SetQuota sets the quota of "project:<id>" or "user:<id>"; all bounds
// zero removes it. Every Server on the store applies it within
// Options.QuotaSync.
func (s *Server) SetQuota(ctx context.Context, q store.Quota) error {
	if err := s.st.Quotas().Put(ctx, &q); err != nil {
		return err
	}
	s.quotas.forget(q.Subject)
	return nil
}

// Quota returns the quota of the subject, or ErrNotFound.
func (s *Server) Quota(ctx context.Context, subject string) (*store.Quota, error) {
	return s.st.Quotas().Get(ctx, subject)
}

// Usage returns the requests counted for the subject today and this month
// (UTC), including what this Server counted since its last sync.
func (s *Server) Usage(ctx context.Context, subject string) (day, month int64, err error) {
	now := s.now()
	totals, err := s.st.Quotas().Add(ctx, []store.Count{{Subject: subject, Period: store.DayPeriod(now)}, {Subject: subject, Period: store.MonthPeriod(now)}})
	if err != nil {
		return 0, 0, err
	}
	s.quotas.mu.Lock()
	defer s.quotas.mu.Unlock()
	if n, ok := s.quotas.counters[quotaKey{subject, store.DayPeriod(now)}]; ok {
		totals[0] += n.pending
	}
	if n, ok := s.quotas.counters[quotaKey{subject, store.MonthPeriod(now)}]; ok {
		totals[1] += n.pending
	}
	return totals[0], totals[1], nil
}
