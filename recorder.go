package mockapi

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// recorder writes request-log entries in the background: Record hands an
// entry to a bounded queue and returns at once; a goroutine appends batches
// to the store. When the queue is full the entry is counted as dropped,
// never silently lost, and never waited for. The same goroutine prunes the
// log by the retention rule, so the log cannot outgrow it for long.
type recorder struct {
	log       store.RequestLog
	logger    *slog.Logger
	retention retention
	queue     chan store.Entry
	dropped   atomic.Int64
	failed    atomic.Int64
	pruned    atomic.Int64
	flushes   chan chan struct{}
	stop      chan struct{}
	done      chan struct{}
	once      sync.Once
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

func newRecorder(log store.RequestLog, size int, logger *slog.Logger, keep retention) *recorder {
	r := &recorder{log: log, logger: logger, retention: keep, queue: make(chan store.Entry, size),
		flushes: make(chan chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go r.loop()
	return r
}

// Record queues e, or counts it as dropped when the queue is full.
func (r *recorder) Record(e store.Entry) {
	select {
	case <-r.stop:
		r.dropped.Add(1)
		return
	default:
	}
	select {
	case r.queue <- e:
	default:
		r.dropped.Add(1)
	}
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
	batch := make([]store.Entry, 0, recordBatch)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := r.log.Append(ctx, batch...); err != nil {
			r.failed.Add(int64(len(batch)))
			r.logger.Warn("request log: append failed", "entries", len(batch), "err", err)
		}
		cancel()
		for _, e := range batch {
			grown[e.Project]++
		}
		batch = batch[:0]
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
	drain := func() {
		for {
			select {
			case e := <-r.queue:
				batch = append(batch, e)
				if len(batch) == recordBatch {
					flush()
				}
			default:
				flush()
				return
			}
		}
	}
	for {
		select {
		case e := <-r.queue:
			batch = append(batch, e)
			if len(batch) == recordBatch {
				flush()
			}
		case <-t.C:
			flush()
		case <-pruneTick:
			flush()
			r.prune(grown)
			clear(grown)
		case ack := <-r.flushes:
			drain()
			close(ack)
		case <-r.stop:
			drain()
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

// Flush waits until every entry queued before the call is in the store.
func (r *recorder) Flush() {
	ack := make(chan struct{})
	select {
	case r.flushes <- ack:
		<-ack
	case <-r.done:
	}
}

// Close writes what is queued and stops the goroutine.
func (r *recorder) Close() {
	r.once.Do(func() { close(r.stop) })
	<-r.done
}

// orDefault is v, or def when v is zero.
func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}
