package mockapi

import (
	"context"
	"log/slog"
	"sync"
	"time"

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
		if n == nil {
			continue // a past period a sync dropped since: no longer counted
		}
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
		if n := qs.counters[quotaKey{c.subject, c.w.period}]; n != nil {
			n.pending++
		}
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
		if n == nil {
			continue
		}
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
