package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// bufferedLog batches log lines: a request's line goes out with the others
// of the same moment, when the buffer fills or at most every interval,
// rather than in a system call of its own per request (as costly as
// writing the response). Close writes what is left. slog handlers write
// each record in one Write, so lines are never split.
type bufferedLog struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newBufferedLog(w io.Writer, every time.Duration) *bufferedLog {
	b := &bufferedLog{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop(every)
	return b
}

func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

func (b *bufferedLog) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.w.Flush()
}

func (b *bufferedLog) loop(every time.Duration) {
	defer close(b.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.flush()
		case <-b.stop:
			return
		}
	}
}

// Close stops the flushing goroutine and writes what is buffered.
func (b *bufferedLog) Close() {
	close(b.stop)
	<-b.done
	b.flush()
}
