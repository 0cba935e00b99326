package mockapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/httpx"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/ratelog"
	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
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
	// BaseURL ("https://mock.example.com", or with a path prefix where a
	// proxy mounts the Server) makes every URL the Server returns
	// absolute: invoke_url, share link URLs, Location and the Link
	// headers of paged answers. It must be an absolute http or https URL
	// without query or fragment; a trailing slash is dropped. Empty: they
	// are paths. Either way a returned invoke or share URL has no trailing
	// slash, so url + "/orders" names the operation path /orders.
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
	// application's own users (a session cookie, a JWT) and teams. They
	// combine with the store's users and teams (see NoStoreUsers): a
	// request carrying a user token (mu_...) is the store's, any other is
	// asked of Authenticator (auth.Chain), and a user is in a team when
	// the store or Membership says so (auth.AnyMembership).
	Authenticator auth.Authenticator
	Membership    auth.Membership
	// NoStoreUsers turns the store's users off as credentials: user tokens
	// admit no one and team access comes from Membership alone, as before
	// users existed. The /_me/ API then answers 404. Default: on.
	NoStoreUsers bool
	// QuotaSync is how often request counts are written to the store and
	// the totals of every instance read back (see Server.SetQuota). Zero:
	// DefaultQuotaSync (2 s); negative: only on Shutdown.
	QuotaSync time.Duration
	// HideProjects answers 404 instead of 403 when a private project
	// refuses a caller, so its existence is not revealed.
	HideProjects bool
	// AllowPrivateCallbacks lets projects' callbacks (Settings.Callbacks)
	// reach loopback, private and link-local addresses, and name them in
	// their hosts. Off (the default) guards the network the Server runs in
	// against requests forged through callback URLs.
	AllowPrivateCallbacks bool
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
	// TrustedProxies are the networks of the reverse proxies in front of
	// the Server. A request whose peer is in one is logged with the
	// address its Forwarded (or else X-Forwarded-For) header names: the
	// nearest hop, from the right, outside these networks. Nil: forwarded
	// headers are ignored and the peer's address is logged.
	TrustedProxies []netip.Prefix
	// NoClientAddresses keeps no caller address in the request log
	// (Entry.Client stays empty), for deployments that must not keep
	// personal data. The user agent is still kept.
	NoClientAddresses bool
	// Logger receives the server's own warnings. Nil: slog.Default().
	Logger *slog.Logger
	// HealthPath is where the probes are: GET HealthPath+"/live" answers
	// 200 while the process serves, HealthPath+"/ready" 200 when the store
	// answers, else 503. Empty: DefaultHealthPath ("/_health"); "-": no
	// probes. It may not be under /_admin/, /p/ or /s/.
	HealthPath string
	// ReadyTimeout bounds the readiness probe's store query. Zero:
	// DefaultReadyTimeout (1s).
	ReadyTimeout time.Duration
	// MetricsPath is where GET serves the Prometheus metrics (see
	// Server.Metrics). Empty: DefaultMetricsPath ("/_metrics"); "-": not
	// served, though still kept for Server.Metrics.
	MetricsPath string
	// NoDashboard turns the web dashboard off. Off (the zero value): a
	// Server with an AdminToken serves it at DashboardPath ("/_admin/ui/"),
	// signed in with the admin token; without an AdminToken there is none.
	NoDashboard bool
	// DashboardSessionTTL is how long a dashboard sign-in lasts, checked
	// on the server whatever the browser keeps. Zero: 12 hours.
	DashboardSessionTTL time.Duration
}

// Server hosts many mock projects, each at /p/{projectID}/, the default
// project at the root, share links at /s/{token}/, and the management API
// at /_admin/. It is an http.Handler; Shutdown (or Close) it when done.
//
// Its methods are also the management API in Go: projects
// (CreateProject, PutProject, Project, ListProjects, UpdateProject,
// SetSpec, Spec, Warnings, DeleteProject, ResetProject), keys (CreateKey,
// GetKey, ListKeys, UpdateKey, RevokeKey, RotateKey), share links
// (CreateLink, ListLinks, UpdateLink, RevokeLink, RegenerateLink), a
// project's inventory (Operations) and generated data (GenerateRecords),
// users (CreateUser, UpdateUser, DeleteUser, RotateUserToken,
// RevokeUserTokens), teams (CreateTeam, DeleteTeam, AssignProject,
// UserProjects) and quotas (SetQuota, Quota, Usage). Users call /_me/
// with their user token to manage their own projects, teams and keys.
// They are safe for concurrent use, and
// what one Server writes, every Server on the same store serves from its
// next request.
type Server struct {
	o      Options
	st     *store.Store
	guard  *auth.Guard
	links  *share.Registry
	share  *share.Handler
	rec    *recorder
	admin  http.Handler
	me     http.Handler // the user-facing API under /_me/
	dash   *dash        // nil when the dashboard is off
	mocks  http.Handler // share links and projects, behind the CORS policy
	cors   func(http.Handler) http.Handler
	logger *slog.Logger
	addrs  clientAddrs

	comp compiler
	now  func() time.Time

	loadFailures ratelog.Limiter[string] // by project id

	ops *ops // probes and metrics

	quotas *quotas

	src sources // where projects' descriptions are reloaded from (reload.go)
}

var _ http.Handler = (*Server)(nil)

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
	base, err := checkBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	o.BaseURL = base
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
	s := &Server{o: o, st: o.Store, logger: logger, comp: newCompiler(), now: time.Now, cors: policy.Handler,
		addrs: clientAddrs{off: o.NoClientAddresses, trusted: slices.Clone(o.TrustedProxies)}}
	authn, members := o.Authenticator, o.Membership
	if !o.NoStoreUsers {
		authn = auth.Chain(auth.UserTokens(o.Store.Users()), o.Authenticator)
		if o.Authenticator == nil {
			authn = auth.Chain(auth.UserTokens(o.Store.Users()), strayBearer)
		}
		members = auth.AnyMembership(o.Store.Teams(), o.Membership)
	}
	s.guard = auth.NewGuard(auth.Options{Keys: o.Store.Keys(), Authenticator: authn,
		Membership: members, Logger: logger})
	s.quotas = newQuotas(o.Store.Quotas(), orDefault(o.QuotaSync, DefaultQuotaSync), time.Now, logger)
	s.links = share.NewRegistry(o.Store.Links())
	s.rec = newRecorder(o.Store.RequestLog(), o.LogQueue, logger, retention{
		maxAge:     orDefault(o.LogRetention, DefaultLogRetention),
		maxEntries: orDefault(o.LogMaxEntries, DefaultLogMaxEntries),
		every:      orDefault(o.LogPruneEvery, DefaultLogPruneEvery),
	})
	ops, err := newOps(o, s.rec)
	if err != nil {
		_ = s.guard.Close()
		return nil, err
	}
	s.ops = ops
	sh, err := share.NewHandler(share.Options{
		Registry: s.links,
		Guard:    s.guard,
		Project: func(ctx context.Context, id string) (*share.Served, error) {
			c, err := s.project(ctx, id)
			if err != nil {
				return nil, err
			}
			if c.settings.SharingOff {
				// Every link of the project answers as an unknown one.
				return nil, fmt.Errorf("mockapi: project %s: sharing is off: %w", id, store.ErrNotFound)
			}
			return c.served, nil
		},
		Record:     s.record,
		ClientAddr: s.addrs.of,
		BaseURL:    o.BaseURL,
		Logger:     logger,
	})
	if err != nil {
		_ = s.guard.Close()
		s.rec.Close()
		return nil, err
	}
	s.share = sh
	if o.AdminToken != "" && !o.NoDashboard {
		if s.dash, err = newDash(s); err != nil {
			_ = s.guard.Close()
			s.rec.Close()
			return nil, err
		}
	}
	s.admin = s.adminHandler()
	s.me = s.meHandler()
	s.mocks = s.cors(http.HandlerFunc(s.serveMocks))
	return s, nil
}

// strayBearer refuses a bearer token that is neither a key nor a user
// token when no application Authenticator would read it: 401
// INVALID_API_KEY, as a guard without an Authenticator answers it.
func strayBearer(r *http.Request) (*auth.Principal, error) {
	scheme, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(tok) != "" {
		return nil, auth.ErrInvalidUserToken
	}
	return nil, nil
}

// checkBaseURL refuses a base URL that cannot prefix the Server's paths,
// and drops a trailing slash.
func checkBaseURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", fmt.Errorf("mockapi: Options.BaseURL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return "", fmt.Errorf("mockapi: Options.BaseURL %q is not an absolute http or https URL", raw)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("mockapi: Options.BaseURL %q has a query or fragment; give a scheme, host and optional path", raw)
	case u.User != nil:
		return "", fmt.Errorf("mockapi: Options.BaseURL has user information; give a scheme, host and optional path")
	}
	return strings.TrimRight(raw, "/"), nil
}

// Shutdown stops the Server's background work and writes the request-log
// entries still queued, within ctx: when ctx ends first, Shutdown returns
// its error and the entries not yet written are counted as dropped. Call it
// after http.Server.Shutdown, once no request is in flight. It does not
// close the store. Calling it again returns nil.
func (s *Server) Shutdown(ctx context.Context) error {
	s.ops.draining.Store(true)
	s.closeCallbacks() // before the log closes: their last deliveries are logged
	err := s.rec.Shutdown(ctx)
	qerr := s.quotas.Close(ctx)
	return errors.Join(err, qerr, s.guard.Close())
}

// Close is Shutdown without a deadline. It is idempotent.
func (s *Server) Close() error { return s.Shutdown(context.Background()) }

// FlushLog waits until every request-log entry queued so far is stored, or
// ctx ends (its error is returned). After Shutdown it returns at once.
func (s *Server) FlushLog(ctx context.Context) error { return s.rec.FlushContext(ctx) }

// Mock returns the mock handler serving the current version of a project,
// compiled once per version as requests are: for its Warnings, Document or
// Action, or to Reset it. An unknown project is ErrNotFound; a stored
// version that cannot be served is a *ProjectError.
func (s *Server) Mock(ctx context.Context, id string) (*mock.Handler, error) {
	c, err := s.project(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.mock, nil
}

// logSlot is filled in, inside the guard, with what only the inside knows.
type logSlot struct {
	keyID, operation, session string
	upstream                  proxy.Report // filled by an upstream (mock.WithUpstream)
}

type slotKey struct{}

// stackRequest is what serveProject keeps for one request, in one
// allocation: the log's slot and the writer that sees the status.
type stackRequest struct {
	slot logSlot
	sw   httpx.StatusWriter
}

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
	if s.serveOps(w, r) {
		return
	}
	if path := r.URL.Path; path == "/_admin" || strings.HasPrefix(path, "/_admin/") {
		s.admin.ServeHTTP(w, r)
		return
	}
	if path := r.URL.Path; path == "/_me" || strings.HasPrefix(path, "/_me/") {
		s.me.ServeHTTP(w, r)
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
			s.unserved(http.StatusNotFound, start)
			return
		}
		if pe := (*ProjectError)(nil); errors.As(err, &pe) {
			// Logged once, when this version failed to compile. Nothing of
			// the cause is told: it may quote the private description.
			problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure,
				"this project cannot be served: its stored description or settings are not valid; an update through the management API repairs it"))
			s.unserved(http.StatusInternalServerError, start)
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
		s.unserved(http.StatusServiceUnavailable, start)
		return
	}
	// The request the stack sees is made once, with its context complete
	// and, under /p/{id}/, its path without the prefix: one copy, not one
	// for the path and another for the context.
	u := r.URL
	if prefix != "" {
		u = stripPrefix(r.URL, prefix)
	}
	one := &stackRequest{sw: httpx.StatusWriter{ResponseWriter: w}}
	slot, sw := &one.slot, &one.sw
	ctx := context.WithValue(r.Context(), slotKey{}, slot)
	ctx = proxy.ContextWithReport(ctx, &slot.upstream)
	// Route once, here: the log needs the operation even when the guard
	// refuses the request, and the guard and mock reuse the match.
	route := *r // on the stack: routing reads the method, URL and headers
	route.URL = u
	if m, err := c.doc.Match(&route); err == nil {
		ctx = openapi.ContextWithMatch(ctx, m)
		slot.operation = m.Operation.ID
	}
	r = r.WithContext(ctx)
	r.URL = u
	c.guarded.ServeHTTP(sw, r)
	s.record(store.Entry{
		Time:      start.UTC(),
		Project:   id,
		Operation: slot.operation,
		Method:    r.Method,
		Path:      r.URL.Path, // never the query: it may carry a token
		Status:    sw.Status(),
		Latency:   time.Since(start),
		KeyID:     slot.keyID,
		Session:   slot.session,
		Client:    s.addrs.of(r),
		UserAgent: r.UserAgent(),
		Source:    slot.upstream.Source,
		Drift:     slot.upstream.DriftText(),
	})
}

// stripPrefix is the URL http.StripPrefix would serve.
func stripPrefix(in *url.URL, prefix string) *url.URL {
	u := *in
	u.Path = strings.TrimPrefix(in.Path, prefix)
	if u.Path == "" {
		u.Path = "/"
	}
	if in.RawPath != "" {
		u.RawPath = strings.TrimPrefix(in.RawPath, prefix)
	}
	return &u
}
