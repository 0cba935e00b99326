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

	"github.com/mockapi-go/mockapi/store/driver"
)

// Store groups the concerns of one backend and owns its connection. It is
// safe for concurrent use. Create one with New (backends do: memory.New,
// sqlite.Open, postgres.Open) and Close it when done.
type Store struct {
	d      driver.Driver
	closed atomic.Bool
	clock  func() time.Time

	projects Projects
	keys     Keys
	links    Links
	records  Records
	log      RequestLog
	users    Users
	teams    Teams
	quotas   Quotas

	closeOnce sync.Once
	closeErr  error

	touchMu       sync.Mutex
	pending       map[string]time.Time // key id -> latest last-used not yet written
	touchInterval time.Duration
	flushing      bool // the flush goroutine has started
	stopped       bool // Close has begun: no flush goroutine starts any more
	stop          chan struct{}
	done          chan struct{}

	versions *versions // nil unless the driver is a driver.Watcher
}

// Option configures a Store.
type Option func(*options)

type options struct {
	touchInterval time.Duration
	clock         func() time.Time
}

// DefaultTouchInterval is how often a Store writes the key last-used
// times it coalesced, unless WithTouchInterval says otherwise: a key's
// LastUsedAt, as every instance reads it, is at most this much (plus one
// store write) behind its latest use.
const DefaultTouchInterval = 5 * time.Second

// WithTouchInterval sets how often coalesced key last-used times are written
// (default DefaultTouchInterval). Zero or less writes them only on Flush and
// Close.
func WithTouchInterval(d time.Duration) Option {
	return func(o *options) { o.touchInterval = d }
}

// WithClock makes the Store read the time from now instead of time.Now:
// for the times it stamps (CreatedAt, UpdatedAt, log entries without a
// time), for the expiry checks of Keys.Lookup and Links.Lookup, and,
// through driver.ClockSetter, for the times the backend stamps. now must
// be safe for concurrent use. Tests use it to expire keys and links
// without sleeping.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.clock = now }
}

// New wraps a backend's driver. The Store closes d when it is closed.
//
// New starts no goroutine: the one that writes coalesced key last-used
// times (see WithTouchInterval) starts with the first Keys.Touch, the one
// that watches a driver.Watcher for project changes with the first
// Projects.Version, and Close stops them.
func New(d driver.Driver, opts ...Option) *Store {
	o := options{touchInterval: DefaultTouchInterval, clock: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.clock == nil {
		o.clock = time.Now
	}
	s := &Store{d: d, pending: map[string]time.Time{}, clock: o.clock, touchInterval: o.touchInterval}
	if cs, ok := d.(driver.ClockSetter); ok {
		cs.SetClock(o.clock)
	}
	if w, ok := d.(driver.Watcher); ok {
		s.versions = newVersions(w)
	}
	s.projects = Projects{s, d.Projects()}
	s.keys = Keys{s, d.Keys()}
	s.links = Links{s, d.Links()}
	s.records = Records{s, d.Records()}
	s.log = RequestLog{s, d.RequestLog()}
	s.users = Users{s, d.Users()}
	s.teams = Teams{s, d.Teams()}
	s.quotas = Quotas{s, d.Quotas()}
	return s
}

// Projects returns the store's projects.
func (s *Store) Projects() *Projects { return &s.projects }

// Keys returns the store's API keys.
func (s *Store) Keys() *Keys { return &s.keys }

// Links returns the store's share links.
func (s *Store) Links() *Links { return &s.links }

// Records returns the store's CRUD records.
func (s *Store) Records() *Records { return &s.records }

// RequestLog returns the store's request log.
func (s *Store) RequestLog() *RequestLog { return &s.log }

// Users returns the store's users and their tokens.
func (s *Store) Users() *Users { return &s.users }

// Teams returns the store's teams, memberships and invites.
func (s *Store) Teams() *Teams { return &s.teams }

// Quotas returns the store's quotas and usage counters.
func (s *Store) Quotas() *Quotas { return &s.quotas }

// Close writes pending last-used times, stops the flush and watch
// goroutines if they run, and closes the backend. Calls after Close return ErrClosed. Close
// is idempotent: later calls do nothing and return what the first
// returned.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.touchMu.Lock()
		s.stopped = true
		flushing := s.flushing
		s.touchMu.Unlock()
		if flushing {
			close(s.stop)
			<-s.done
		}
		if s.versions != nil {
			s.versions.stop()
		}
		ferr := s.flush(context.Background())
		cerr := s.d.Close()
		s.closeErr = errors.Join(ferr, cerr)
	})
	return s.closeErr
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
			s.touchMu.Lock()
			s.pend(id, at) // keep it for the next flush
			s.touchMu.Unlock()
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// touch coalesces a last-used time and starts the flush goroutine the
// first time one is pending, unless the Store is closing.
func (s *Store) touch(id string, at time.Time) {
	s.touchMu.Lock()
	defer s.touchMu.Unlock()
	s.pend(id, at)
	if s.touchInterval > 0 && !s.flushing && !s.stopped {
		s.flushing = true
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.flushLoop(s.touchInterval)
	}
}

// pend records a last-used time; touchMu is held.
func (s *Store) pend(id string, at time.Time) {
	if cur, ok := s.pending[id]; !ok || at.After(cur) {
		s.pending[id] = at
	}
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
