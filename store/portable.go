package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Store groups the concerns of one backend and owns its connection. It is
// safe for concurrent use. Create one with New (backends do: memory.New,
// sqlstore.Open) and Close it when done.
type Store struct {
	d      Driver
	closed atomic.Bool
	clock  func() time.Time

	projects projects
	keys     keys
	links    links
	records  records
	log      requestLog

	touchMu sync.Mutex
	pending map[string]time.Time // key id -> latest last-used not yet written
	stop    chan struct{}
	done    chan struct{}
}

// Option configures a Store.
type Option func(*options)

type options struct {
	touchInterval time.Duration
	clock         func() time.Time
}

// WithTouchInterval sets how often coalesced key last-used times are written
// (default 30s). Zero or less writes them only on Flush and Close.
func WithTouchInterval(d time.Duration) Option {
	return func(o *options) { o.touchInterval = d }
}

// WithClock makes the Store read the time from now instead of time.Now:
// for the times it stamps (CreatedAt, UpdatedAt, log entries without a
// time), for the expiry checks of Keys.Lookup and Links.Lookup, and,
// through ClockSetter, for the times the backend stamps. now must be safe
// for concurrent use. Tests use it to expire keys and links without
// sleeping.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.clock = now }
}

// ClockSetter is implemented by drivers that stamp times themselves (such
// as records' CreatedAt and UpdatedAt). New hands them the Store's clock
// (time.Now unless WithClock says otherwise) before any other call; a
// driver shared by several Stores uses the clock of the latest.
type ClockSetter interface {
	SetClock(now func() time.Time)
}

// New wraps a backend's driver. The Store closes d when it is closed.
func New(d Driver, opts ...Option) *Store {
	o := options{touchInterval: 30 * time.Second, clock: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.clock == nil {
		o.clock = time.Now
	}
	s := &Store{d: d, pending: map[string]time.Time{}, clock: o.clock}
	if cs, ok := d.(ClockSetter); ok {
		cs.SetClock(o.clock)
	}
	s.projects = projects{s, d.Projects()}
	s.keys = keys{s, d.Keys()}
	s.links = links{s, d.Links()}
	s.records = records{s, d.Records()}
	s.log = requestLog{s, d.RequestLog()}
	if o.touchInterval > 0 {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.flushLoop(o.touchInterval)
	}
	return s
}

// Projects returns the store's projects.
func (s *Store) Projects() Projects { return &s.projects }

// Keys returns the store's API keys.
func (s *Store) Keys() Keys { return &s.keys }

// Links returns the store's share links.
func (s *Store) Links() Links { return &s.links }

// Records returns the store's CRUD records.
func (s *Store) Records() Records { return &s.records }

// RequestLog returns the store's request log.
func (s *Store) RequestLog() RequestLog { return &s.log }

// Close writes pending last-used times and closes the backend. Calls after
// Close return ErrClosed; closing twice is ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return ErrClosed
	}
	if s.stop != nil {
		close(s.stop)
		<-s.done
	}
	ferr := s.flush(context.Background())
	cerr := s.d.Close()
	if ferr != nil {
		return ferr
	}
	return cerr
}

// Flush writes the key last-used times that Touch has coalesced so far.
func (s *Store) Flush(ctx context.Context) error {
	if err := s.check(); err != nil {
		return err
	}
	return s.flush(ctx)
}

func (s *Store) flushLoop(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			_ = s.flush(context.Background()) // kept pending; retried next tick
		}
	}
}

func (s *Store) flush(ctx context.Context) error {
	s.touchMu.Lock()
	batch := s.pending
	s.pending = map[string]time.Time{}
	s.touchMu.Unlock()
	var first error
	for id, at := range batch {
		if err := s.keys.d.Touch(ctx, id, at); err != nil && !isNotFound(err) {
			s.touch(id, at) // keep it for the next flush
			if first == nil {
				first = err
			}
		}
	}
	return first
}

func (s *Store) touch(id string, at time.Time) {
	s.touchMu.Lock()
	if cur, ok := s.pending[id]; !ok || at.After(cur) {
		s.pending[id] = at
	}
	s.touchMu.Unlock()
}

func (s *Store) check() error {
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// NewID returns a new unique id that sorts after the ids made before it
// (a millisecond timestamp then 64 random bits, in hex).
func NewID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli()))
	_, _ = rand.Read(b[8:])
	return hex.EncodeToString(b[2:])
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// now is the clock's time as backends store it: UTC, in microseconds.
func (s *Store) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

var (
	_ Projects   = (*projects)(nil)
	_ Keys       = (*keys)(nil)
	_ Links      = (*links)(nil)
	_ Records    = (*records)(nil)
	_ RequestLog = (*requestLog)(nil)
)
