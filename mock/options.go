package mock

import (
	"context"
	"encoding/json"
	"github.com/mockapi-go/mockapi/mock/callback"
	"log/slog"
	"time"

	"github.com/mockapi-go/mockapi/store"
)

// Option configures a Handler.
type Option func(*config)

type config struct {
	seed           int64
	seeded         bool
	validate       bool
	security       bool
	dynamic        bool
	verbatim       bool
	specErrors     bool
	selfCheck      bool
	latencyMin     time.Duration
	latencyMax     time.Duration
	maxDelay       time.Duration
	maxBody        int64
	cors           *CORS
	noCORS         bool
	logger         *slog.Logger
	maxDepth       int
	externalValues bool
	stateless      bool
	records        RecordStore
	project        string
	seedRecords    int
	sessionCookie  string
	resetPath      string
	clock          func() time.Time
	overrides      []namedOverride
	streamCount    int
	streamInterval time.Duration
	chaos          *Chaos
	rules          []namedRules
	callbacks      *callback.Dispatcher
}

func defaultConfig() *config {
	return &config{
		validate:       true,
		security:       true,
		maxDelay:       10 * time.Second,
		maxBody:        10 << 20,
		externalValues: true,
		project:        "default",
		seedRecords:    10,
		clock:          time.Now,
	}
}

// WithClock sets the clock the handler stamps the creation and update
// times of stateful resources with (default time.Now), as store.WithClock,
// share.WithClock and auth.Options.Clock do for theirs: with a fixed clock
// and WithSeed, stateful answers are reproducible too. A nil now keeps
// time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithSeed makes generated data deterministic: the same request (method,
// path, query and body) always gets a byte-identical response, across
// handler instances and restarts. Without a seed every request gets fresh
// data.
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed, c.seeded = seed, true }
}

// WithoutValidation turns request validation off.
func WithoutValidation() Option { return func(c *config) { c.validate = false } }

// WithoutSecurity turns off the check that a request carries the
// credentials its operation's security requirement declares.
func WithoutSecurity() Option { return func(c *config) { c.security = false } }

// WithDynamic always generates bodies from the schema, ignoring examples
// (what `Prefer: dynamic=true` does for one request).
func WithDynamic() Option { return func(c *config) { c.dynamic = true } }

// WithExamplesVerbatim serves examples even when they contradict their
// schema. By default such examples are reported as warnings and a
// generated value that validates is served instead.
func WithExamplesVerbatim() Option { return func(c *config) { c.verbatim = true } }

// WithSpecErrors answers requests that fail validation or security with the
// operation's own response for that status (400, 401, 415, 422) when the
// operation declares one, as Prism does, instead of a problem document.
func WithSpecErrors() Option { return func(c *config) { c.specErrors = true } }

// WithSelfCheck makes the handler validate every response it produces
// against the spec and answer 500 with a problem document when it would
// lie. A debugging aid: it costs a validation per request.
func WithSelfCheck() Option { return func(c *config) { c.selfCheck = true } }

// WithLatency delays every response by a random duration in [min, max].
func WithLatency(min, max time.Duration) Option {
	return func(c *config) {
		if max < min {
			min, max = max, min
		}
		c.latencyMin, c.latencyMax = min, max
	}
}

// WithMaxDelay bounds the delay a client may ask for with `Prefer:
// delay=ms` (default 10 s; 0 disables the preference).
func WithMaxDelay(d time.Duration) Option { return func(c *config) { c.maxDelay = d } }

// WithMaxBodySize bounds request bodies (default 10 MiB); larger ones are
// answered 413.
func WithMaxBodySize(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithCORS sets the CORS policy. The default, CORS{}, lets every origin
// call without credentials.
func WithCORS(p CORS) Option { return func(c *config) { c.cors = &p; c.noCORS = false } }

// WithoutCORS sends no CORS headers and leaves OPTIONS requests to the
// spec.
func WithoutCORS() Option { return func(c *config) { c.cors, c.noCORS = nil, true } }

// WithLogger logs every request (method, path, operation, status,
// duration) at info level. Credentials in the query are redacted.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithMaxDepth bounds how deep generated values nest (default 5).
func WithMaxDepth(n int) Option { return func(c *config) { c.maxDepth = n } }

// WithoutExternalValues stops the handler from reading examples'
// externalValue files. By default they are read with Document.ReadFile:
// only from the spec's own directory (or fs.FS), only regular files of at
// most openapi.MaxReferencedFileSize (1 MiB), and never for a spec given as
// bytes (openapi.Parse, as every upload is): such an example is reported in
// Warnings and not served.
func WithoutExternalValues() Option { return func(c *config) { c.externalValues = false } }

// WithoutState makes the handler stateless: every operation is answered
// from examples or generated data, as Prism does, and nothing is stored.
func WithoutState() Option { return func(c *config) { c.stateless = true } }

// RecordStore is what the handler needs of a record store to keep the
// state of resource collections; *store.Records (see store.Store.Records)
// is one, on every backend. The methods mean what they mean there.
type RecordStore interface {
	Create(ctx context.Context, s store.Scope, collection, id string, data json.RawMessage) (*store.Record, error)
	Get(ctx context.Context, s store.Scope, collection, id string) (*store.Record, error)
	Replace(ctx context.Context, s store.Scope, collection, id string, data json.RawMessage) (*store.Record, error)
	Update(ctx context.Context, s store.Scope, collection, id string, change func(data json.RawMessage) (json.RawMessage, error)) (*store.Record, error)
	Delete(ctx context.Context, s store.Scope, collection, id string) error
	List(ctx context.Context, s store.Scope, collection string, q store.Query) (*store.Page, error)
	Count(ctx context.Context, s store.Scope, collection string, q store.Query) (int, error)
	Reset(ctx context.Context, s store.Scope, collection string) error
	DeleteSession(ctx context.Context, project, session string) error
}

var _ RecordStore = (*store.Records)(nil)

// WithStore keeps the state of resource collections in records under the
// project id, instead of in a private in-memory store. With a SQL store the
// data survives restarts, and handlers on one database share it.
func WithStore(records RecordStore, project string) Option {
	return func(c *config) {
		c.records = records
		if project != "" {
			c.project = project
		}
	}
}

// WithSeedRecords sets how many generated resources each collection starts
// with (default 10; 0 starts empty). A nested collection seeds the child
// collection of each seeded parent (of at most 100 parents).
func WithSeedRecords(n int) Option { return func(c *config) { c.seedRecords = max(n, 0) } }

// WithSessionCookie makes the handler give each visitor without a session
// (no X-Mock-Session header, no cookie) a random one in a cookie of that
// name, so that their writes stay private to them.
func WithSessionCookie(name string) Option { return func(c *config) { c.sessionCookie = name } }

// WithResetPath makes POST requests to path (for example "/__mock/reset")
// reset data in the caller's scope: a request in a visitor session drops
// that session's writes; one without restores the seed data of every
// collection and drops every session, as Handler.Reset does, when no
// auth.Guard is in front or the guard admitted the caller by key or as a
// user (share-link visitors and anonymous callers get 403). Off by default.
func WithResetPath(path string) Option { return func(c *config) { c.resetPath = path } }
