package mockapi

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// requestLog is what the recorder needs of a request log; *store.RequestLog
// is one.
type requestLog interface {
	Append(ctx context.Context, entries ...store.Entry) error
	Prune(ctx context.Context, r store.Retention) (int, error)
}

// recorder writes request-log entries in the background: Record hands an
// entry to a bounded queue and returns at once; a goroutine appends batches
// to the store. When the queue is full the entry is counted as dropped,
// never silently lost, and never waited for. The same goroutine prunes the
// log by the retention rule, so the log cannot outgrow it for long.
type recorder struct {
	log       requestLog
	logger    *slog.Logger
	retention retention
	size      int // the most entries waiting to be written
	mu        sync.Mutex
	pending   []store.Entry // waiting to be written, in arrival order
	closed    bool
	ready     chan struct{} // wakes the loop when a batch is waiting
	dropped   atomic.Int64
	failed    atomic.Int64
	pruned    atomic.Int64
	flushes   chan chan struct{}
	stop      chan struct{}
	done      chan struct{}
	once      sync.Once
	start     sync.Once       // starts the loop: at the first entry, flush or shutdown
	final     context.Context // Shutdown's, for the last flush; set before stop closes
	cut       atomic.Bool     // the last flush ran out of time
}

// retention is how the recorder bounds the request log: entries older than
// maxAge go, and each project keeps its newest maxEntries. Zero (or less)
// turns a bound off; every zero interval turns pruning off.
type retention struct {
	maxAge     time.Duration
	maxEntries int
	every      time.Duration
}

// Defaults of the request log's retention (Options.LogRetention,
// Options.LogMaxEntries, Options.LogPruneEvery).
const (
	DefaultLogRetention  = 7 * 24 * time.Hour
	DefaultLogMaxEntries = 100_000
	DefaultLogPruneEvery = time.Minute
)

const (
	recordBatch = 256
	recordEvery = 200 * time.Millisecond
)

func newRecorder(log requestLog, size int, logger *slog.Logger, keep retention) *recorder {
	r := &recorder{log: log, logger: logger, retention: keep, size: size, ready: make(chan struct{}, 1),
		flushes: make(chan chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	return r
}

// ensure starts the writing goroutine once. It starts with the first entry
// (or flush, or shutdown), not with the Server: a Server that is never
// called, and never shut down, leaves no goroutine behind.
func (r *recorder) ensure() { r.start.Do(func() { go r.loop() }) }

// Record queues e, or counts it as dropped when the queue is full. It
// takes a lock for an append and wakes the writer only once a batch is
// waiting, not for every entry: the request path stays cheap.
func (r *recorder) Record(e store.Entry) {
	r.mu.Lock()
	if r.closed || len(r.pending) >= r.size {
		r.mu.Unlock()
		r.dropped.Add(1)
		return
	}
	r.pending = append(r.pending, e)
	n := len(r.pending)
	r.mu.Unlock()
	r.ensure()
	if n == recordBatch {
		select {
		case r.ready <- struct{}{}:
		default:
		}
	}
}

// take hands the loop what is waiting, leaving spare, emptied, in its
// place.
func (r *recorder) take(spare []store.Entry) []store.Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.pending
	r.pending = spare[:0]
	return out
}

func (r *recorder) loop() {
	defer close(r.done)
	t := time.NewTicker(recordEvery)
	defer t.Stop()
	var pruneTick <-chan time.Time
	if r.retention.every > 0 && (r.retention.maxAge > 0 || r.retention.maxEntries > 0) {
		pt := time.NewTicker(r.retention.every)
		defer pt.Stop()
		pruneTick = pt.C
	}
	grown := map[string]int{} // entries per project since its last prune
	var spare []store.Entry
	base, stopping := context.Background(), false
	write := func(batch []store.Entry) {
		if base.Err() != nil {
			r.dropped.Add(int64(len(batch)))
			r.cut.Store(true)
			return
		}
		ctx, cancel := context.WithTimeout(base, 10*time.Second)
		defer cancel()
		if err := r.log.Append(ctx, batch...); err != nil {
			r.failed.Add(int64(len(batch)))
			r.logger.Warn("request log: append failed", "entries", len(batch), "err", err)
			if base.Err() != nil {
				r.cut.Store(true)
			}
		}
		if stopping {
			return // pruning waits for the next start
		}
		for _, e := range batch {
			grown[e.Project]++
		}
		// A project that received a quarter of its bound since its last
		// prune is pruned now, whatever the rate: the log stays within
		// 1.25 times the bound, not the bound plus a minute of traffic.
		if limit := r.retention.maxEntries; limit > 0 && r.retention.every > 0 {
			for project, n := range grown {
				if n >= max(limit/4, 1) {
					r.pruneProject(project)
					delete(grown, project)
				}
			}
		}
	}
	// flush writes everything waiting, in batches of recordBatch.
	flush := func() {
		taken := r.take(spare)
		for rest := taken; len(rest) > 0; {
			n := min(len(rest), recordBatch)
			write(rest[:n])
			rest = rest[n:]
		}
		clear(taken) // no strings kept alive by a spare buffer
		spare = taken[:0]
		if cap(spare) > 4*recordBatch {
			spare = nil // a burst's buffer is not kept for ever
		}
	}
	stop := func() {
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		base, stopping = r.final, true
		flush()
	}
	for {
		// Shutdown comes first: once it is called, what is queued is
		// written under its context, not in one more ordinary batch.
		select {
		case <-r.stop:
			stop()
			return
		default:
		}
		select {
		case <-r.ready:
			flush()
		case <-t.C:
			flush()
		case <-pruneTick:
			flush()
			r.prune(grown)
			clear(grown)
		case ack := <-r.flushes:
			flush()
			close(ack)
		case <-r.stop:
			stop()
			return
		}
	}
}

// prune removes the entries the retention rule no longer keeps: by age
// across the whole log, by count for each project that has grown since
// the last prune (the others have not).
func (r *recorder) prune(grown map[string]int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r.retention.maxAge > 0 {
		n, err := r.log.Prune(ctx, store.Retention{Before: time.Now().Add(-r.retention.maxAge)})
		r.pruned.Add(int64(n))
		if err != nil {
			r.logger.Warn("request log: prune by age failed", "err", err)
		}
	}
	if r.retention.maxEntries <= 0 {
		return
	}
	for project := range grown {
		r.pruneProject(project)
	}
}

// pruneProject keeps the project's newest maxEntries entries.
func (r *recorder) pruneProject(project string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := r.log.Prune(ctx, store.Retention{Project: project, Keep: r.retention.maxEntries})
	r.pruned.Add(int64(n))
	if err != nil {
		r.logger.Warn("request log: prune by count failed", "project", project, "err", err)
	}
}

// FlushContext waits until every entry queued before the call is in the
// store, or ctx ends. After Shutdown it returns at once.
func (r *recorder) FlushContext(ctx context.Context) error {
	r.ensure()
	ack := make(chan struct{})
	select {
	case r.flushes <- ack:
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush is FlushContext without a deadline.
func (r *recorder) Flush() { _ = r.FlushContext(context.Background()) }

// Shutdown writes what is queued, within ctx, and stops the goroutine.
// Entries ctx leaves no time for are counted as dropped, and ctx's error
// is returned. Shutting down again returns nil.
func (r *recorder) Shutdown(ctx context.Context) error {
	r.ensure()
	first := false
	r.once.Do(func() {
		first = true
		r.final = ctx
		close(r.stop)
	})
	if !first {
		<-r.done
		return nil
	}
	<-r.done // the final flush gives up when ctx ends
	if r.cut.Load() {
		return fmt.Errorf("mockapi: request log: entries left unwritten at shutdown: %w", context.Cause(ctx))
	}
	return nil
}

// Close is Shutdown without a deadline.
func (r *recorder) Close() { _ = r.Shutdown(context.Background()) }

// orDefault is v, or def when v is zero.
func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}
