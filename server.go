package mockapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/httpx"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/ratelog"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
)

// Options configure a Server. Store is required.
type Options struct {
	// Store holds projects, keys, share links, CRUD data and the request
	// log. Several Servers on one PostgreSQL store serve the same projects.
	Store *store.Store
	// AdminToken protects the management API under /_admin/ (sent as
	// "Authorization: Bearer <token>"). New refuses a token with fewer than
	// 128 bits of entropy (fewer than 22 random base64 characters or 32 hex
	// digits). Empty: the management API is off and answers 404.
	AdminToken string
	// BaseURL ("https://mock.example.com") makes invoke and share URLs
	// absolute. Empty: they are paths.
	BaseURL string
	// DefaultProject is the id of the project also served at the root.
	// Empty: "default".
	DefaultProject string
	// MockOptions are given to every project's mock handler (seed, latency,
	// validation...). The Server adds the store and project itself, and
	// WithoutCORS: CORS is the Server's (Options.CORS).
	MockOptions []mock.Option
	// CORS is the cross-origin policy of everything but the management
	// API: projects, the default project and share links, refusals
	// included. Nil: mock.CORS{}, every origin without credentials.
	CORS *mock.CORS
	// Authenticator and Membership let the guard accept the embedding
	// application's own users (a session cookie, a JWT) and teams.
	Authenticator auth.Authenticator
	Membership    auth.Membership
	// HideProjects answers 404 instead of 403 when a private project
	// refuses a caller, so its existence is not revealed.
	HideProjects bool
	// LogQueue bounds the queue of request-log entries waiting to be
	// written (default 10,000). A full queue drops entries and counts them.
	LogQueue int
	// LogRetention is how long request-log entries are kept. Zero:
	// DefaultLogRetention (7 days); negative: no age limit.
	LogRetention time.Duration
	// LogMaxEntries bounds each project's request log; its oldest entries
	// are pruned first. Zero: DefaultLogMaxEntries (100,000); negative: no
	// count limit.
	LogMaxEntries int
	// LogPruneEvery is how often the request log is pruned by LogRetention
	// and LogMaxEntries; a project that receives a quarter of LogMaxEntries
	// sooner is pruned then, so it never holds more than 1.25 times
	// LogMaxEntries. Zero: DefaultLogPruneEvery (1
	// minute); negative: never (the log grows without bound).
	LogPruneEvery time.Duration
	// Logger receives the server's own warnings. Nil: slog.Default().
	Logger *slog.Logger
}

// Server hosts many mock projects, each at /p/{projectID}/, the default
// project at the root, share links at /s/{token}/, and the management API
// at /_admin/. It is an http.Handler; Close it when done.
type Server struct {
	o      Options
	st     *store.Store
	guard  *auth.Guard
	links  *share.Registry
	share  *share.Handler
	rec    *recorder
	admin  http.Handler
	mocks  http.Handler // share links and projects, behind the CORS policy
	cors   func(http.Handler) http.Handler
	logger *slog.Logger

	mu     sync.RWMutex
	cache  map[string]*compiled // by project id, for the latest version seen
	builds sync.Map             // project id -> *sync.Mutex: one compilation at a time per project

	loadFailures ratelog.Limiter[string] // by project id
}

var _ http.Handler = (*Server)(nil)

// compiled is one project version made ready to serve.
type compiled struct {
	project *store.Project // without its Spec
	specSum [sha256.Size]byte
	doc     *openapi.Document
	mock    *mock.Handler
	policy  *auth.Policy
	guarded http.Handler // guard, then the mock
	served  *share.Served
}

// settings are the project settings kept in store.Project.Settings.
type settings struct {
	AllowQueryToken *bool         `json:"allow_query_token,omitempty"`
	RateLimit       *rateLimitDoc `json:"rate_limit,omitempty"`
}

type rateLimitDoc struct {
	Requests int    `json:"requests"`
	Per      string `json:"per"`
}

func (r *rateLimitDoc) limit() (auth.Limit, error) {
	if r == nil {
		return auth.Limit{}, nil
	}
	per, err := time.ParseDuration(r.Per)
	if err != nil || per <= 0 || r.Requests <= 0 {
		return auth.Limit{}, fmt.Errorf("rate_limit needs requests > 0 and a positive duration in per (\"1m\"), got %d per %q", r.Requests, r.Per)
	}
	return auth.Limit{Requests: r.Requests, Per: per, Burst: r.Requests}, nil
}

// New returns a Server over o.Store.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("mockapi: Options.Store is required")
	}
	if o.AdminToken != "" {
		if err := secret.CheckStrength(o.AdminToken); err != nil {
			return nil, fmt.Errorf("mockapi: Options.AdminToken: %w", err)
		}
	}
	if o.DefaultProject == "" {
		o.DefaultProject = "default"
	}
	if o.LogQueue <= 0 {
		o.LogQueue = 10000
	}
	o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	policy := mock.CORS{}
	if o.CORS != nil {
		policy = *o.CORS
	}
	if err := policy.Validate(); err != nil {
		return nil, err
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &Server{o: o, st: o.Store, logger: logger, cache: map[string]*compiled{}, cors: policy.Handler}
	s.guard = auth.New(auth.Options{Keys: o.Store.Keys(), Authenticator: o.Authenticator,
		Membership: o.Membership, Logger: logger})
	s.links = share.NewRegistry(o.Store.Links())
	s.rec = newRecorder(o.Store.RequestLog(), o.LogQueue, logger, retention{
		maxAge:     orDefault(o.LogRetention, DefaultLogRetention),
		maxEntries: orDefault(o.LogMaxEntries, DefaultLogMaxEntries),
		every:      orDefault(o.LogPruneEvery, DefaultLogPruneEvery),
	})
	sh, err := share.NewHandler(share.Options{
		Registry: s.links,
		Guard:    s.guard,
		Project: func(ctx context.Context, id string) (*share.Served, error) {
			c, err := s.project(ctx, id)
			if err != nil {
				return nil, err
			}
			return c.served, nil
		},
		Record:  s.rec.Record,
		BaseURL: o.BaseURL,
		Logger:  logger,
	})
	if err != nil {
		_ = s.guard.Close()
		s.rec.Close()
		return nil, err
	}
	s.share = sh
	s.admin = s.adminHandler()
	s.mocks = s.cors(http.HandlerFunc(s.serveMocks))
	return s, nil
}

// Close stops the server's background work and writes the request-log
// entries still queued. It does not close the store.
func (s *Server) Close() error {
	s.rec.Close()
	return s.guard.Close()
}

// FlushLog waits until every request-log entry queued so far is stored.
func (s *Server) FlushLog() { s.rec.Flush() }

// PutProject creates the project id from a description, or updates its
// name, description and visibility when they differ: what the mock server
// does with -spec. An empty name is the description's title. The spec is
// one document: a description written over several files is refused with
// openapi.ErrExternalRef, and openapi.Bundle makes it one. The description must load, and must still have every
// operation the project's visibility overrides name.
func (s *Server) PutProject(ctx context.Context, id, name string, spec []byte, vis store.Visibility) (*store.Project, error) {
	doc, err := openapi.Parse(ctx, spec, openapi.WithName(id+"."+specFormat(spec)))
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = id
		if t := doc.Info().Title; t != "" {
			name = t
		}
	}
	p, err := s.putProject(ctx, id, name, spec, vis, doc)
	if err != nil {
		return nil, err
	}
	// The description was parsed above: compile this version from it, so
	// that the first request does not parse it again.
	if err := s.prepare(p, doc); err != nil {
		return nil, err
	}
	return p, nil
}

// Mock returns the mock handler serving the current version of a project,
// compiled once per version as requests are: for its Warnings, Document or
// Action, or to Reset it. An unknown project is store.ErrNotFound.
func (s *Server) Mock(ctx context.Context, id string) (*mock.Handler, error) {
	c, err := s.project(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.mock, nil
}

func (s *Server) putProject(ctx context.Context, id, name string, spec []byte, vis store.Visibility, doc *openapi.Document) (*store.Project, error) {
	for range 5 {
		p, err := s.st.Projects().Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			p = &store.Project{ID: id, Name: name, Spec: spec, SpecFormat: specFormat(spec), Visibility: vis}
			if err = s.st.Projects().Create(ctx, p); errors.Is(err, store.ErrConflict) {
				continue
			}
			return p, err
		}
		if err != nil {
			return nil, err
		}
		if bytes.Equal(p.Spec, spec) && p.Name == name && p.Visibility == vis {
			return p, nil
		}
		if err := checkOverrides(doc, p.OperationVisibility); err != nil {
			return nil, fmt.Errorf("mockapi: project %s: %w", id, err)
		}
		p.Name, p.Spec, p.SpecFormat, p.Visibility = name, spec, specFormat(spec), vis
		if err = s.st.Projects().Update(ctx, p); errors.Is(err, store.ErrConflict) {
			continue
		}
		return p, err
	}
	return nil, fmt.Errorf("mockapi: project %s: %w", id, store.ErrConflict)
}

func specFormat(spec []byte) string {
	if b := bytes.TrimSpace(spec); len(b) > 0 && b[0] == '{' {
		return "json"
	}
	return "yaml"
}

// project returns the compiled current version of a project. Only the
// version is read from the store on every call, an indexed read of one
// integer however large the spec, so a spec or setting replaced through
// another instance is served from the next request on; the project itself
// is read and compiled once per version.
func (s *Server) project(ctx context.Context, id string) (*compiled, error) {
	v, err := s.st.Projects().Version(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.forget(id)
		}
		return nil, err
	}
	if c := s.cached(id); c != nil && c.project.Version == v {
		return c, nil
	}
	unlock := s.building(id)
	defer unlock()
	if c := s.cached(id); c != nil && c.project.Version >= v {
		return c, nil
	}
	p, err := s.st.Projects().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	doc, err := s.document(ctx, p)
	if err != nil {
		return nil, err
	}
	c, err := s.compile(p, doc)
	if err != nil {
		return nil, err
	}
	s.keep(c)
	return c, nil
}

// document returns the parsed description of a stored project: the cached
// one when the spec is the one the cached version was compiled from (a
// change of visibility or settings parses nothing), else a new parse.
func (s *Server) document(ctx context.Context, p *store.Project) (*openapi.Document, error) {
	if c := s.cached(p.ID); c != nil && c.specSum == sha256.Sum256(p.Spec) {
		return c.doc, nil
	}
	doc, err := openapi.Parse(ctx, p.Spec, openapi.WithName(p.ID+"."+p.SpecFormat))
	if err != nil {
		return nil, fmt.Errorf("mockapi: project %s: %w", p.ID, err)
	}
	return doc, nil
}

// building serialises the compilation of one project; other projects
// compile at the same time. It returns the unlock function.
func (s *Server) building(id string) func() {
	v, _ := s.builds.LoadOrStore(id, &sync.Mutex{})
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// prepare compiles a project version from a description already parsed,
// unless that version or a later one is cached.
func (s *Server) prepare(p *store.Project, doc *openapi.Document) error {
	unlock := s.building(p.ID)
	defer unlock()
	if c := s.cached(p.ID); c != nil && c.project.Version >= p.Version {
		return nil
	}
	c, err := s.compile(p, doc)
	if err != nil {
		return err
	}
	s.keep(c)
	return nil
}

func (s *Server) cached(id string) *compiled {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cache[id]
}

func (s *Server) keep(c *compiled) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.cache[c.project.ID]; old == nil || old.project.Version <= c.project.Version {
		s.cache[c.project.ID] = c
	}
}

func (s *Server) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.cache, id)
}

// compile makes a project version ready to serve. The mock handler of the
// cached version is kept when the spec is the same: only the policy
// changes with visibility and settings.
func (s *Server) compile(p *store.Project, doc *openapi.Document) (*compiled, error) {
	sum := sha256.Sum256(p.Spec)
	var h *mock.Handler
	if old := s.cached(p.ID); old != nil && old.specSum == sum && old.doc == doc {
		h = old.mock
	} else {
		opts := append(append([]mock.Option{}, s.o.MockOptions...), mock.WithStore(s.st.Records(), p.ID), mock.WithoutCORS())
		var err error
		if h, err = mock.New(doc, opts...); err != nil {
			return nil, fmt.Errorf("mockapi: project %s: %w", p.ID, err)
		}
	}
	// The compiled project keeps no spec bytes, only their digest: the
	// document is what is served, and the bytes are read again only to
	// compile a new version.
	kept := *p
	kept.Spec = nil
	p = &kept
	var set settings
	if len(p.Settings) > 0 {
		_ = json.Unmarshal(p.Settings, &set)
	}
	limit, _ := set.RateLimit.limit()
	policy := &auth.Policy{
		Project:         p.ID,
		Visibility:      p.Visibility,
		Operations:      p.OperationVisibility,
		Document:        doc,
		Owner:           p.Owner,
		Team:            p.Team,
		AllowQueryToken: set.AllowQueryToken == nil || *set.AllowQueryToken,
		RateLimit:       limit,
		HideProject:     s.o.HideProjects,
	}
	c := &compiled{project: p, specSum: sum, doc: doc, mock: h, policy: policy}
	c.guarded = s.guard.Protect(policy)(capture(h))
	c.served = &share.Served{Project: p, Document: doc, Mock: h, Policy: policy}
	return c, nil
}

// logSlot is filled in, inside the guard, with what only the inside knows.
type logSlot struct {
	keyID, operation, session string
}

type slotKey struct{}

// capture records the principal, operation and session of a request for
// the request log.
func capture(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slot, ok := r.Context().Value(slotKey{}).(*logSlot); ok {
			if p, ok := auth.PrincipalFrom(r.Context()); ok {
				slot.keyID = p.KeyID
			}
			if m, ok := openapi.MatchFrom(r.Context()); ok && m.Operation != nil {
				slot.operation = m.Operation.ID
			}
			if v := r.Header.Get(mock.SessionHeader); v != "" && len(v) <= 128 {
				slot.session = v
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP routes /_admin/, /s/{token}/, /p/{projectID}/ and, for
// everything else, the default project. Everything but the management API
// is behind the CORS policy, refusals included.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if path := r.URL.Path; path == "/_admin" || strings.HasPrefix(path, "/_admin/") {
		s.admin.ServeHTTP(w, r)
		return
	}
	s.mocks.ServeHTTP(w, r)
}

func (s *Server) serveMocks(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/s/"):
		s.share.ServeHTTP(w, r)
	case strings.HasPrefix(path, "/p/"):
		id, _, _ := strings.Cut(path[len("/p/"):], "/")
		s.serveProject(w, r, id, "/p/"+id)
	default:
		s.serveProject(w, r, s.o.DefaultProject, "")
	}
}

func (s *Server) serveProject(w http.ResponseWriter, r *http.Request, id, prefix string) {
	start := time.Now()
	c, err := s.project(r.Context(), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
			problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "no project here"))
			return
		}
		// Once per burst: a database that is down fails every request.
		// A client that went away ended the store call itself: no news.
		if r.Context().Err() == nil {
			if ok, held := s.loadFailures.Allow(id, time.Now()); ok {
				s.logger.Warn("mockapi: loading a project failed", "project", id, "err", err, "suppressed", held)
			}
		}
		w.Header().Set("Retry-After", "1")
		problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, "the project cannot be loaded now"))
		return
	}
	if prefix != "" {
		r = stripPrefix(r, prefix)
	}
	slot := &logSlot{}
	ctx := context.WithValue(r.Context(), slotKey{}, slot)
	// Route once, here: the log needs the operation even when the guard
	// refuses the request, and the guard and mock reuse the match.
	if m, err := c.doc.Match(r); err == nil {
		ctx = openapi.ContextWithMatch(ctx, m)
		slot.operation = m.Operation.ID
	}
	r = r.WithContext(ctx)
	sw := &httpx.StatusWriter{ResponseWriter: w}
	c.guarded.ServeHTTP(sw, r)
	s.rec.Record(store.Entry{
		Time:      start.UTC(),
		Project:   id,
		Operation: slot.operation,
		Method:    r.Method,
		Path:      r.URL.Path, // never the query: it may carry a token
		Status:    sw.Status(),
		Latency:   time.Since(start),
		KeyID:     slot.keyID,
		Session:   slot.session,
	})
}

// stripPrefix is http.StripPrefix for one request.
func stripPrefix(r *http.Request, prefix string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = strings.TrimPrefix(r.URL.Path, prefix)
	if u.Path == "" {
		u.Path = "/"
	}
	if r.URL.RawPath != "" {
		u.RawPath = strings.TrimPrefix(r.URL.RawPath, prefix)
	}
	r2.URL = &u
	return r2
}
