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
// never silently lost, and never waited for.
type recorder struct {
	log     store.RequestLog
	logger  *slog.Logger
	queue   chan store.Entry
	dropped atomic.Int64
	failed  atomic.Int64
	flushes chan chan struct{}
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

const (
	recordBatch = 256
	recordEvery = 200 * time.Millisecond
)

func newRecorder(log store.RequestLog, size int, logger *slog.Logger) *recorder {
	r := &recorder{log: log, logger: logger, queue: make(chan store.Entry, size),
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
		batch = batch[:0]
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
		case ack := <-r.flushes:
			drain()
			close(ack)
		case <-r.stop:
			drain()
			return
		}
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
