package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
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

// projects is the portable Projects.
type projects struct {
	s *Store
	d Projects
}

// MaxProjectID is the longest project id.
const MaxProjectID = 64

// ValidProjectID says whether id may name a project: 1 to MaxProjectID
// ASCII letters, digits, '-' and '_'. Ids are path segments (/p/{id}/) and
// log fields, so nothing else (no dots, slashes, control characters) is
// accepted. The error is ErrInvalid and names what is wrong.
func ValidProjectID(id string) error {
	if id == "" || len(id) > MaxProjectID {
		return invalid("project id %q: want 1 to %d characters", clip(id, 80), MaxProjectID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return invalid("project id %q: only letters, digits, '-' and '_' are allowed", clip(id, 80))
		}
	}
	return nil
}

func validProject(p *Project) error {
	switch {
	case p == nil:
		return invalid("nil project")
	case p.ID != "" && ValidProjectID(p.ID) != nil:
		return ValidProjectID(p.ID)
	case p.Name == "":
		return invalid("project %q: empty name", p.ID)
	case !p.Visibility.valid():
		return invalid("project %q: visibility %q is not private, public or authenticated", p.ID, p.Visibility)
	case p.SpecFormat != "" && p.SpecFormat != "json" && p.SpecFormat != "yaml":
		return invalid("project %q: spec format %q is not json or yaml", p.ID, p.SpecFormat)
	case len(p.Settings) > 0 && !isObject(p.Settings):
		return invalid("project %q: settings are not a JSON object", p.ID)
	}
	for op, v := range p.OperationVisibility {
		if !v.valid() {
			return invalid("project %q: operation %q: visibility %q is not private, public or authenticated", p.ID, op, v)
		}
	}
	return nil
}

func (p *projects) Create(ctx context.Context, pr *Project) error {
	if err := p.s.check(); err != nil {
		return err
	}
	if err := validProject(pr); err != nil {
		return err
	}
	if pr.ID == "" {
		pr.ID = NewID()
	}
	pr.CreatedAt = p.s.now()
	pr.UpdatedAt = pr.CreatedAt
	pr.Version = firstVersion(pr.CreatedAt)
	return p.d.Create(ctx, pr)
}

// lastFirstVersion is the latest firstVersion handed out in this process.
var lastFirstVersion atomic.Int64

// firstVersion is the Version of a project created at t: its time in
// microseconds, and above any first version this process gave before. A
// project deleted and created again under the same id so starts at a
// version the earlier one did not reach (it would take an update per
// microsecond), and a Server that compares versions only, on any
// instance, sees the new project as new.
func firstVersion(t time.Time) int64 {
	for {
		last := lastFirstVersion.Load()
		v := max(t.UnixMicro(), last+1, 1)
		if lastFirstVersion.CompareAndSwap(last, v) {
			return v
		}
	}
}

func (p *projects) Get(ctx context.Context, id string) (*Project, error) {
	if err := p.s.check(); err != nil {
		return nil, err
	}
	if err := ValidProjectID(id); err != nil {
		return nil, err
	}
	return p.d.Get(ctx, id)
}

func (p *projects) Version(ctx context.Context, id string) (int64, error) {
	if err := p.s.check(); err != nil {
		return 0, err
	}
	if id == "" {
		return 0, invalid("empty project id")
	}
	return p.d.Version(ctx, id)
}

func (p *projects) List(ctx context.Context, f ProjectFilter) ([]*Project, error) {
	if err := p.s.check(); err != nil {
		return nil, err
	}
	return p.d.List(ctx, f)
}

func (p *projects) Update(ctx context.Context, pr *Project) error {
	if err := p.s.check(); err != nil {
		return err
	}
	if err := validProject(pr); err != nil {
		return err
	}
	if pr.ID == "" {
		return invalid("update: empty project id")
	}
	if pr.Version < 1 {
		return invalid("project %q: update without a version", pr.ID)
	}
	pr.UpdatedAt = p.s.now()
	return p.d.Update(ctx, pr)
}

func (p *projects) Delete(ctx context.Context, id string) error {
	if err := p.s.check(); err != nil {
		return err
	}
	if id == "" {
		return invalid("empty project id")
	}
	return p.d.Delete(ctx, id)
}

// keys is the portable Keys.
type keys struct {
	s *Store
	d Keys
}

func validKey(k *Key) error {
	switch {
	case k == nil:
		return invalid("nil key")
	case k.Hash == "":
		return invalid("key %q: empty hash", k.ID)
	}
	for _, p := range k.Projects {
		if err := ValidProjectID(p); err != nil {
			return fmt.Errorf("key %q: scope: %w", k.ID, err)
		}
	}
	return nil
}

func (k *keys) Create(ctx context.Context, key *Key) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if err := validKey(key); err != nil {
		return err
	}
	prepKey(key, k.s.now())
	return k.d.Create(ctx, key)
}

func prepKey(key *Key, now time.Time) {
	if key.ID == "" {
		key.ID = NewID()
	}
	key.CreatedAt = now
	key.RevokedAt = time.Time{}
	key.LastUsedAt = time.Time{}
	key.ExpiresAt = utc(key.ExpiresAt)
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

func (k *keys) Get(ctx context.Context, id string) (*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty key id")
	}
	return k.d.Get(ctx, id)
}

func (k *keys) Lookup(ctx context.Context, hash string) (*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	if hash == "" {
		return nil, invalid("empty key hash")
	}
	key, err := k.d.Lookup(ctx, hash)
	if err != nil {
		return nil, err
	}
	if !key.Active(k.s.clock()) {
		return nil, fmt.Errorf("key %s: revoked or expired: %w", key.ID, ErrNotFound)
	}
	return key, nil
}

func (k *keys) List(ctx context.Context, owner string) ([]*Key, error) {
	if err := k.s.check(); err != nil {
		return nil, err
	}
	return k.d.List(ctx, owner)
}

func (k *keys) Revoke(ctx context.Context, id string, at time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("revoke key %q: empty id or time", id)
	}
	return k.d.Revoke(ctx, id, utc(at))
}

func (k *keys) Rotate(ctx context.Context, oldID string, next *Key, expires time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if oldID == "" {
		return invalid("rotate: empty key id")
	}
	if err := validKey(next); err != nil {
		return err
	}
	old, err := k.d.Get(ctx, oldID)
	if err != nil {
		return err
	}
	if !old.Active(k.s.clock()) {
		return fmt.Errorf("rotate key %s: revoked or expired: %w", oldID, ErrNotFound)
	}
	prepKey(next, k.s.now())
	if !old.ExpiresAt.IsZero() && (next.ExpiresAt.IsZero() || next.ExpiresAt.After(old.ExpiresAt)) {
		next.ExpiresAt = old.ExpiresAt // rotation never extends a key's life
	}
	return k.d.Rotate(ctx, oldID, next, utc(expires))
}

func (k *keys) Touch(ctx context.Context, id string, at time.Time) error {
	if err := k.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("touch key %q: empty id or time", id)
	}
	k.s.touch(id, utc(at))
	return nil
}

// links is the portable Links.
type links struct {
	s *Store
	d Links
}

func (l *links) Create(ctx context.Context, link *Link) error {
	if err := l.s.check(); err != nil {
		return err
	}
	switch {
	case link == nil:
		return invalid("nil link")
	case ValidProjectID(link.Project) != nil:
		return fmt.Errorf("link %q: %w", link.ID, ValidProjectID(link.Project))
	case link.Hash == "":
		return invalid("link %q: empty hash", link.ID)
	}
	if link.ID == "" {
		link.ID = NewID()
	}
	link.CreatedAt = l.s.now()
	link.RevokedAt = time.Time{}
	link.ExpiresAt = utc(link.ExpiresAt)
	return l.d.Create(ctx, link)
}

func (l *links) Get(ctx context.Context, id string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("empty link id")
	}
	return l.d.Get(ctx, id)
}

func (l *links) Lookup(ctx context.Context, hash string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if hash == "" {
		return nil, invalid("empty link hash")
	}
	link, err := l.d.Lookup(ctx, hash)
	if err != nil {
		return nil, err
	}
	if !link.Active(l.s.clock()) {
		return nil, fmt.Errorf("link %s: revoked or expired: %w", link.ID, ErrNotFound)
	}
	return link, nil
}

func (l *links) List(ctx context.Context, project string) ([]*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	return l.d.List(ctx, project)
}

func (l *links) Revoke(ctx context.Context, id string, at time.Time) error {
	if err := l.s.check(); err != nil {
		return err
	}
	if id == "" || at.IsZero() {
		return invalid("revoke link %q: empty id or time", id)
	}
	return l.d.Revoke(ctx, id, utc(at))
}

func (l *links) Regenerate(ctx context.Context, id, hash, prefix string) (*Link, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if id == "" || hash == "" {
		return nil, invalid("regenerate link %q: empty id or hash", id)
	}
	return l.d.Regenerate(ctx, id, hash, prefix)
}

// records is the portable Records.
type records struct {
	s *Store
	d Records
}

func (r *records) check(s Scope, collection string, needCollection bool) error {
	if err := r.s.check(); err != nil {
		return err
	}
	if s.Project == "" {
		return invalid("records: empty project")
	}
	if needCollection && collection == "" {
		return invalid("records: project %q: empty collection", s.Project)
	}
	if !validText(s.Project) || !validText(s.Session) || !validText(collection) {
		return invalid("records: project, session or collection is not valid UTF-8 text without NUL")
	}
	return nil
}

func isObject(data json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(data, &m) == nil && m != nil
}

// checkData refuses a record body no backend can keep alike: one that is
// not a JSON object, or that holds a NUL character (\u0000), which
// PostgreSQL's jsonb rejects while the other backends would store it.
func checkData(data json.RawMessage, what string, args ...any) error {
	if !isObject(data) {
		return invalid("records: %s: %s is not a JSON object", fmt.Sprintf("%s/%s/%s", args...), what)
	}
	if hasNULEscape(data) {
		return invalid("records: %s: %s holds a NUL character (\\u0000), which the store does not keep", fmt.Sprintf("%s/%s/%s", args...), what)
	}
	return nil
}

// hasNULEscape reports whether JSON text holds the escape \u0000 (a raw
// NUL byte is not valid JSON). An escaped backslash followed by "u0000" is
// not one.
func hasNULEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+5 < len(b) && b[i+1] == 'u' && string(b[i+2:i+6]) == "0000" {
			return true
		}
		i++ // the escaped character
	}
	return false
}

func (r *records) Create(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if !validText(id) {
		return nil, invalid("records: %s/%s: id is not valid UTF-8 text without NUL", s.Project, collection)
	}
	if err := checkData(data, "data", s.Project, collection, id); err != nil {
		return nil, err
	}
	if id == "" {
		id = NewID()
	}
	return r.d.Create(ctx, s, collection, id, data)
}

func (r *records) Get(ctx context.Context, s Scope, collection, id string) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" || !validText(id) {
		return nil, invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	return r.d.Get(ctx, s, collection, id)
}

func (r *records) Replace(ctx context.Context, s Scope, collection, id string, data json.RawMessage) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" || !validText(id) {
		return nil, invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	if err := checkData(data, "data", s.Project, collection, id); err != nil {
		return nil, err
	}
	return r.d.Replace(ctx, s, collection, id, data)
}

func (r *records) Patch(ctx context.Context, s Scope, collection, id string, patch json.RawMessage) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" || !validText(id) {
		return nil, invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	if err := checkData(patch, "merge patch", s.Project, collection, id); err != nil {
		return nil, err
	}
	return r.d.Patch(ctx, s, collection, id, patch)
}

func (r *records) Update(ctx context.Context, s Scope, collection, id string, change func(json.RawMessage) (json.RawMessage, error)) (*Record, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("records: %s/%s: empty id", s.Project, collection)
	}
	if change == nil {
		return nil, invalid("records: %s/%s/%s: nil change", s.Project, collection, id)
	}
	return r.d.Update(ctx, s, collection, id, func(data json.RawMessage) (json.RawMessage, error) {
		out, err := change(data)
		if err != nil {
			return nil, err
		}
		if !isObject(out) {
			return nil, invalid("records: %s/%s/%s: updated data is not a JSON object", s.Project, collection, id)
		}
		return out, nil
	})
}

func (r *records) Delete(ctx context.Context, s Scope, collection, id string) error {
	if err := r.check(s, collection, true); err != nil {
		return err
	}
	if id == "" || !validText(id) {
		return invalid("records: %s/%s: empty id or one that is not valid UTF-8 text without NUL", s.Project, collection)
	}
	return r.d.Delete(ctx, s, collection, id)
}

func (r *records) List(ctx context.Context, s Scope, collection string, q Query) (*Page, error) {
	if err := r.check(s, collection, true); err != nil {
		return nil, err
	}
	if err := checkQuery(&q); err != nil {
		return nil, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	if err := checkListing(&q); err != nil {
		return nil, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	p, err := r.d.List(ctx, s, collection, q)
	if err != nil {
		return nil, err
	}
	if p.Cursor != "" && len(p.Records) > 0 {
		p.Cursor = cursorAfter(q, p.Records[len(p.Records)-1])
	} else {
		p.Cursor = ""
	}
	return p, nil
}

func (r *records) Count(ctx context.Context, s Scope, collection string, q Query) (int, error) {
	if err := r.check(s, collection, true); err != nil {
		return 0, err
	}
	if err := checkQuery(&q); err != nil {
		return 0, fmt.Errorf("records %s/%s: %w", s.Project, collection, err)
	}
	return r.d.Count(ctx, s, collection, Query{Filter: q.Filter, Where: q.Where, Search: q.Search})
}

func (r *records) Reset(ctx context.Context, s Scope, collection string) error {
	if err := r.check(s, collection, false); err != nil {
		return err
	}
	return r.d.Reset(ctx, s, collection)
}

func (r *records) DeleteSession(ctx context.Context, project, session string) error {
	if err := r.check(Scope{Project: project}, "", false); err != nil {
		return err
	}
	if session == "" {
		return invalid("records: project %q: delete session: empty session", project)
	}
	return r.d.DeleteSession(ctx, project, session)
}

// requestLog is the portable RequestLog.
type requestLog struct {
	s *Store
	d RequestLog
}

func (l *requestLog) Append(ctx context.Context, entries ...Entry) error {
	if err := l.s.check(); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	clean := make([]Entry, len(entries))
	for i, e := range entries {
		if e.Project == "" {
			return invalid("request log: entry %d: empty project", i)
		}
		if e.Time.IsZero() {
			e.Time = l.s.now()
		}
		e.Time = utc(e.Time)
		if j := strings.IndexAny(e.Path, "?#"); j >= 0 {
			e.Path = e.Path[:j]
		}
		e.Path = clip(e.Path, MaxLogPath)
		e.Project = clip(e.Project, MaxLogField)
		e.Operation = clip(e.Operation, MaxLogField)
		e.Method = clip(e.Method, MaxLogField)
		e.KeyID = clip(e.KeyID, MaxLogField)
		e.LinkID = clip(e.LinkID, MaxLogField)
		e.Session = clip(e.Session, MaxLogField)
		e.ID = 0
		clean[i] = e
	}
	return l.d.Append(ctx, clean...)
}

// clip makes s safe to store and at most n bytes long: invalid UTF-8 and
// control characters become U+FFFD, and a longer text is cut at a rune
// boundary and ends with TruncatedMark.
func clip(s string, n int) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return utf8.RuneError
			}
			return r
		}, strings.ToValidUTF8(s, string(utf8.RuneError)))
	}
	if len(s) <= n {
		return s
	}
	cut := n - len(TruncatedMark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + TruncatedMark
}

func (l *requestLog) Query(ctx context.Context, q LogQuery) ([]Entry, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	switch {
	case q.Limit < 0 || q.Limit > 10000:
		return nil, invalid("request log: limit %d not in 0..10000", q.Limit)
	case q.Limit == 0:
		q.Limit = 100
	}
	q.Since, q.Until, q.After.Time = utc(q.Since), utc(q.Until), utc(q.After.Time)
	return l.d.Query(ctx, q)
}

func (l *requestLog) Stats(ctx context.Context, project string, since, until time.Time) (*Stats, error) {
	if err := l.s.check(); err != nil {
		return nil, err
	}
	if project == "" {
		return nil, invalid("request log: stats: empty project")
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return nil, invalid("request log: stats: since %v not before until %v", since, until)
	}
	return l.d.Stats(ctx, project, utc(since), utc(until))
}

func (l *requestLog) Prune(ctx context.Context, r Retention) (int, error) {
	if err := l.s.check(); err != nil {
		return 0, err
	}
	if r.Keep < 0 {
		return 0, invalid("request log: prune: negative keep %d", r.Keep)
	}
	if r.Before.IsZero() && r.Keep == 0 {
		return 0, invalid("request log: prune: neither a time nor a count")
	}
	if r.Project != "" {
		if err := ValidProjectID(r.Project); err != nil {
			return 0, fmt.Errorf("request log: prune: %w", err)
		}
	}
	r.Before = utc(r.Before)
	return l.d.Prune(ctx, r)
}

var (
	_ Projects   = (*projects)(nil)
	_ Keys       = (*keys)(nil)
	_ Links      = (*links)(nil)
	_ Records    = (*records)(nil)
	_ RequestLog = (*requestLog)(nil)
)
