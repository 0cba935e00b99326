package mockapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/store"
)

// DefaultQuotaSync is how often a Server writes the requests it counted
// against quotas and reads the totals every instance wrote, unless
// Options.QuotaSync says otherwise.
const DefaultQuotaSync = 2 * time.Second

// quotaKey names one counter: a subject in a period.
type quotaKey struct{ subject, period string }

type quotaCounter struct {
	base    int64 // the store's total at the last sync
	pending int64 // counted here, not yet written
	loaded  bool  // base has been read from the store
}

type cachedQuota struct {
	q       *store.Quota // nil: none
	fetched time.Time
}

// quotas counts requests against quotas for one Server.
//
// A quota (store.Quota) bounds a project's or a user's requests per UTC
// day and per UTC month, and how many projects a user owns. Requests are
// counted in memory and added to the store's counters in one batch every
// QuotaSync (and on Shutdown), which also reads back the totals of every
// instance: there is no write per request. A counter is read from the
// store on its first use, so counting survives restarts.
//
// The price is bounded drift: a request one instance counts is written at
// its next sync and seen by another at that one's next sync, so all
// instances together may admit, past a limit, at most the requests they
// receive in two QuotaSync intervals; a single instance never passes a
// limit. A Shutdown that cannot reach the store loses the requests of at
// most one interval. A quota changed through any instance holds on
// every instance within one interval (quotas are cached that long).
type quotas struct {
	st    *store.Quotas
	every time.Duration
	now   func() time.Time
	log   *slog.Logger

	mu       sync.Mutex
	counters map[quotaKey]*quotaCounter
	cache    map[string]cachedQuota
	started  bool
	closed   bool
	stop     chan struct{}
	done     chan struct{}
}

func newQuotas(st *store.Quotas, every time.Duration, now func() time.Time, log *slog.Logger) *quotas {
	return &quotas{st: st, every: every, now: now, log: log,
		counters: map[quotaKey]*quotaCounter{}, cache: map[string]cachedQuota{}}
}

// quota returns the subject's quota, cached for one sync interval.
func (qs *quotas) quota(ctx context.Context, subject string, now time.Time) (*store.Quota, error) {
	qs.mu.Lock()
	c, ok := qs.cache[subject]
	qs.mu.Unlock()
	ttl := qs.every
	if ttl <= 0 {
		ttl = DefaultQuotaSync // counts synced only on Shutdown: quotas still expire
	}
	if ok && now.Sub(c.fetched) < ttl {
		return c.q, nil
	}
	q, err := qs.st.Get(ctx, subject)
	switch {
	case err == nil:
	case isNotFoundErr(err):
		q = nil
	default:
		return nil, err
	}
	qs.mu.Lock()
	qs.cache[subject] = cachedQuota{q: q, fetched: now}
	qs.mu.Unlock()
	return q, nil
}

// forget drops the cached quota of a subject, after a change through this
// Server.
func (qs *quotas) forget(subject string) {
	qs.mu.Lock()
	delete(qs.cache, subject)
	qs.mu.Unlock()
}

// exceeded describes a limit that refused a request.
type exceeded struct {
	Subject   string    `json:"subject"`
	Name      string    `json:"name"` // requests_per_day, requests_per_month or projects
	Size      int64     `json:"size"`
	Used      int64     `json:"used"`
	Remaining int64     `json:"remaining"`
	Reset     time.Time `json:"reset,omitzero"`
	retry     time.Duration
}

// window is one bounded period of a quota.
type window struct {
	name   string
	limit  int64
	period string
	reset  time.Time
}

// windows are the day and month a request is counted in when the quota
// bounds requests at all (both are counted, so that the usage of each is
// known); a window whose limit is zero is counted but not checked.
func windows(q *store.Quota, now time.Time) []window {
	if q.RequestsPerDay == 0 && q.RequestsPerMonth == 0 {
		return nil
	}
	day := now.UTC().Truncate(24 * time.Hour)
	first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	return []window{
		{"requests_per_day", q.RequestsPerDay, store.DayPeriod(now), day.AddDate(0, 0, 1)},
		{"requests_per_month", q.RequestsPerMonth, store.MonthPeriod(now), first.AddDate(0, 1, 0)},
	}
}

// admit counts a request against the quotas of the subjects, or returns
// the first limit it would pass (then nothing is counted). tightest is the
// limit with the fewest requests left, for the RateLimit fields.
func (qs *quotas) admit(ctx context.Context, subjects []string) (over, tightest *exceeded, err error) {
	now := qs.now()
	type check struct {
		subject string
		w       window
	}
	var checks []check
	for _, sub := range subjects {
		q, err := qs.quota(ctx, sub, now)
		if err != nil {
			return nil, nil, err
		}
		if q == nil {
			continue
		}
		for _, w := range windows(q, now) {
			checks = append(checks, check{sub, w})
			if err := qs.load(ctx, quotaKey{sub, w.period}); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(checks) == 0 {
		return nil, nil, nil
	}
	qs.mu.Lock()
	defer qs.mu.Unlock()
	for _, c := range checks {
		if c.w.limit == 0 {
			continue // counted, not bounded
		}
		n := qs.counters[quotaKey{c.subject, c.w.period}]
		used := n.base + n.pending
		e := &exceeded{Subject: c.subject, Name: c.w.name, Size: c.w.limit, Used: used,
			Remaining: max(c.w.limit-used-1, 0), Reset: c.w.reset, retry: c.w.reset.Sub(now)}
		if used >= c.w.limit {
			e.Remaining = 0
			return e, e, nil
		}
		if tightest == nil || e.Remaining < tightest.Remaining {
			tightest = e
		}
	}
	for _, c := range checks {
		qs.counters[quotaKey{c.subject, c.w.period}].pending++
	}
	qs.startLocked()
	return nil, tightest, nil
}

// load reads a counter's total from the store on its first use.
func (qs *quotas) load(ctx context.Context, k quotaKey) error {
	qs.mu.Lock()
	n, ok := qs.counters[k]
	if ok && n.loaded {
		qs.mu.Unlock()
		return nil
	}
	if !ok {
		n = &quotaCounter{}
		qs.counters[k] = n
	}
	qs.mu.Unlock()
	totals, err := qs.st.Add(ctx, []store.Count{{Subject: k.subject, Period: k.period}})
	if err != nil {
		return err
	}
	qs.mu.Lock()
	if !n.loaded {
		n.base, n.loaded = totals[0], true
	}
	qs.mu.Unlock()
	return nil
}

// startLocked starts the sync goroutine once; mu is held.
func (qs *quotas) startLocked() {
	if qs.started || qs.closed || qs.every <= 0 {
		return
	}
	qs.started = true
	qs.stop, qs.done = make(chan struct{}), make(chan struct{})
	go qs.loop()
}

func (qs *quotas) loop() {
	defer close(qs.done)
	t := time.NewTicker(qs.every)
	defer t.Stop()
	for {
		select {
		case <-qs.stop:
			return
		case <-t.C:
			if err := qs.sync(context.Background()); err != nil {
				qs.log.Warn("mockapi: writing quota counts failed; kept for the next sync", "err", err)
			}
		}
	}
}

// sync adds what was counted here to the store's counters and reads back
// the totals of every instance. Counters of past periods are dropped once
// written.
func (qs *quotas) sync(ctx context.Context) error {
	now := qs.now()
	day, month := store.DayPeriod(now), store.MonthPeriod(now)
	qs.mu.Lock()
	keys := make([]quotaKey, 0, len(qs.counters))
	counts := make([]store.Count, 0, len(qs.counters))
	for k, n := range qs.counters {
		if !n.loaded {
			continue
		}
		keys = append(keys, k)
		counts = append(counts, store.Count{Subject: k.subject, Period: k.period, N: n.pending})
	}
	qs.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	totals, err := qs.st.Add(ctx, counts)
	if err != nil {
		return err
	}
	qs.mu.Lock()
	defer qs.mu.Unlock()
	for i, k := range keys {
		n := qs.counters[k]
		n.pending -= counts[i].N // what was counted meanwhile stays pending
		n.base = totals[i]
		if k.period != day && k.period != month && n.pending == 0 {
			delete(qs.counters, k)
		}
	}
	return nil
}

// Close stops the sync goroutine and writes what is pending.
func (qs *quotas) Close(ctx context.Context) error {
	qs.mu.Lock()
	if qs.closed {
		qs.mu.Unlock()
		return nil
	}
	qs.closed = true
	started := qs.started
	qs.mu.Unlock()
	if started {
		close(qs.stop)
		<-qs.done
	}
	return qs.sync(ctx)
}

// admitted runs behind the guard, for requests it let in. An API key a
// store user owns (made under /_me/) opens a private project only while
// that user may still use it (owns it or is in its team): that is read
// per request, so leaving a team closes the user's keys too. Then each
// request is counted against the project's quota and the caller's user's,
// and answered 429 QUOTA_EXCEEDED once one is used up.
func (s *Server) admitted(project *store.Project, next http.Handler) http.Handler {
	subject := store.ProjectSubject(project.ID)
	private := project.Visibility == store.Private
	asProject := &Project{ID: project.ID, Owner: project.Owner, Team: project.Team}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		subjects := [2]string{subject}
		n := 1
		p, ok := auth.PrincipalFrom(r.Context())
		if ok && p.UserID != "" {
			subjects[1], n = store.UserSubject(p.UserID), 2
		}
		if private && ok && p.Method == auth.MethodKey && p.UserID != "" && !s.o.NoStoreUsers {
			allowed, err := s.ownerMayUse(r.Context(), p.UserID, asProject)
			if err != nil {
				s.logger.Warn("mockapi: checking a key owner failed", "project", project.ID, "err", err)
				w.Header().Set("Retry-After", "1")
				problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "credentials cannot be checked now"))
				return
			}
			if !allowed {
				problem.Write(w, problem.New(http.StatusForbidden, problem.CodeForbidden,
					"The key's owner may no longer use this project."))
				return
			}
		}
		over, tight, err := s.quotas.admit(r.Context(), subjects[:n])
		if err != nil {
			s.logger.Warn("mockapi: reading quotas failed", "project", project.ID, "err", err)
			w.Header().Set("Retry-After", "1")
			problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "quotas cannot be checked now"))
			return
		}
		if tight != nil && w.Header().Get("Ratelimit") == "" {
			setRateLimit(w.Header(), tight)
		}
		if over != nil {
			writeQuotaExceeded(w, over)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ownerMayUse reports whether a key's owner may still use the project:
// true when the owner is not a store user (an application's own user).
func (s *Server) ownerMayUse(ctx context.Context, owner string, p *Project) (bool, error) {
	if _, err := s.st.Users().Get(ctx, owner); err != nil {
		if isNotFoundErr(err) {
			return true, nil
		}
		return false, err
	}
	return s.mayUse(ctx, owner, p)
}

func setRateLimit(h http.Header, e *exceeded) {
	secs := int64(max(e.retry, time.Second) / time.Second)
	if e.retry%time.Second != 0 && e.retry > time.Second {
		secs++
	}
	name := strconv.Quote(e.Name)
	h.Set("RateLimit-Policy", name+";q="+strconv.FormatInt(e.Size, 10))
	h.Set("RateLimit", name+";r="+strconv.FormatInt(e.Remaining, 10)+";t="+strconv.FormatInt(secs, 10))
}

// writeQuotaExceeded answers 429 for a used-up limit, with Retry-After
// when it resets, and the limit in the problem's "limit" member.
func writeQuotaExceeded(w http.ResponseWriter, e *exceeded) {
	setRateLimit(w.Header(), e)
	if !e.Reset.IsZero() {
		secs := int64(max(e.retry, time.Second)+time.Second-1) / int64(time.Second)
		w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	p := problem.New(http.StatusTooManyRequests, problem.CodeQuotaExceeded, quotaDetail(e))
	p.Extra = map[string]any{"limit": e}
	problem.Write(w, p)
}

func quotaDetail(e *exceeded) string {
	d := fmt.Sprintf("the %s quota of %s (%d) is used up", e.Name, e.Subject, e.Size)
	if !e.Reset.IsZero() {
		d += "; it resets at " + e.Reset.Format(time.RFC3339)
	}
	return d
}

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
