package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// Options configure a Guard. Every field may be left zero.
type Options struct {
	// Keys looks API keys up, usually a store.Store's Keys. Nil: no key is
	// valid, and requests that carry one are refused where a principal is
	// needed.
	Keys KeyStore
	// Authenticator is the application's own check (session cookie, JWT),
	// asked when a request carries no API key. Nil: keys only.
	Authenticator Authenticator
	// Membership says whether a user is in a project's team, for principals
	// whose Teams do not already name it. Nil: Principal.Teams only.
	Membership Membership
	// Clock is the clock (key expiry, rate limits, last used), as
	// store.WithClock, share.WithClock and mock.WithClock take it. Nil:
	// time.Now.
	Clock func() time.Time
	// Logger receives refusals at debug level and store failures at warn
	// level; never a secret. Nil: nothing is logged.
	Logger *slog.Logger
	// RateLimit applies to policies whose RateLimit is zero. Zero: none.
	RateLimit Limit
	// ReclaimInterval is how often rate-limit buckets of idle clients are
	// dropped. Zero: every minute.
	ReclaimInterval time.Duration
	// MaxFormBytes bounds how much of a form body is read to find an
	// apidogToken field. Zero: 64 KiB; negative: bodies are never read.
	MaxFormBytes int64
	// ClientAddrHeader names a header set by a trusted reverse proxy that
	// holds the client address ("X-Forwarded-For", "X-Real-IP"); its last
	// entry is used. Empty: the connection's address, headers are ignored
	// (they are trivially forged without a proxy that overwrites them).
	ClientAddrHeader string
	// Realm is the realm of WWW-Authenticate challenges. Empty: "mockapi".
	Realm string
}

// KeyStore is what a Guard needs of an API-key store; *store.Keys (see
// store.Store.Keys) is one. Lookup returns the active key whose secret has
// the hash, or an error wrapping store.ErrNotFound; Touch records that the
// key was used (a store may coalesce these writes).
type KeyStore interface {
	Lookup(ctx context.Context, hash string) (*store.Key, error)
	Touch(ctx context.Context, id string, at time.Time) error
}

var _ KeyStore = (*store.Keys)(nil)

// Guard lets requests through to a handler, or answers 401, 403, 404 or 429,
// by the visibility of the project and operation, the request's credentials
// and rate limits. It is safe for concurrent use; Close stops its
// background work.
type Guard struct {
	keys     KeyStore
	authn    Authenticator
	members  Membership
	now      func() time.Time
	log      *slog.Logger
	defLimit Limit
	maxForm  int64
	addrHdr  string
	every    time.Duration

	challenge, invalidChallenge string

	limits *limiter

	mu      sync.Mutex
	started bool
	closed  bool
	stop    chan struct{}
	done    chan struct{}
}

// NewGuard returns a Guard configured by o. It starts nothing: the
// reclaiming of idle rate-limit buckets begins when a middleware with a
// rate limit is built, and Close stops it.
func NewGuard(o Options) *Guard {
	g := &Guard{
		keys:     o.Keys,
		authn:    o.Authenticator,
		members:  o.Membership,
		now:      o.Clock,
		log:      o.Logger,
		defLimit: o.RateLimit,
		maxForm:  o.MaxFormBytes,
		addrHdr:  o.ClientAddrHeader,
		every:    o.ReclaimInterval,
		limits:   newLimiter(),
	}
	if g.now == nil {
		g.now = time.Now
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.maxForm == 0 {
		g.maxForm = 64 << 10
	}
	if g.every <= 0 {
		g.every = time.Minute
	}
	realm := o.Realm
	if realm == "" {
		realm = "mockapi"
	}
	realm = strconv.Quote(realm)
	g.challenge = "Bearer realm=" + realm
	g.invalidChallenge = g.challenge + `, error="invalid_token"`
	return g
}

// Close stops the background reclaiming of idle rate-limit buckets. The
// guard keeps answering requests afterwards, without reclaiming. Key
// last-used times are coalesced and written by the Store, not the guard.
func (g *Guard) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	started := g.started
	g.mu.Unlock()
	if started {
		close(g.stop)
		<-g.done
	}
	return nil
}

// startReclaim starts the reclaiming goroutine once, unless closed.
func (g *Guard) startReclaim() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started || g.closed {
		return
	}
	g.started = true
	g.stop, g.done = make(chan struct{}), make(chan struct{})
	go g.reclaimLoop()
}

func (g *Guard) reclaimLoop() {
	defer close(g.done)
	t := time.NewTicker(g.every)
	defer t.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-t.C:
			g.limits.reclaim(g.now())
		}
	}
}

// compiled is a Policy prepared for the request path.
type compiled struct {
	*Policy
	routes           bool  // find the operation of each request
	limit            Limit // in force; not enabled: none
	interval, window time.Duration
	limitField       string
}

// Protect returns middleware that applies p in front of a handler. The
// principal it let the request in as is in the request's context
// (PrincipalFrom), and so is the operation match it routed
// (openapi.MatchFrom), so the handler behind does not route again.
//
// Requests carrying a key or an Authorization header get
// "Cache-Control: no-store" and "Referrer-Policy: no-referrer".
//
// CORS preflight requests carry no credentials, so a private operation
// refuses them like any other request: put the CORS layer in front of the
// guard (mock.CORS.Handler), where preflights are answered and never reach
// an operation.
func (g *Guard) Protect(p *Policy) func(http.Handler) http.Handler {
	c := &compiled{Policy: p, routes: len(p.Operations) > 0 || p.Document != nil}
	c.limit = p.RateLimit
	if c.limit == (Limit{}) {
		c.limit = g.defLimit
	}
	if c.limit.enabled() {
		c.interval, c.window = c.limit.rates()
		c.limitField = `"default";q=` + strconv.Itoa(c.limit.Requests) + `;w=` + strconv.FormatInt(ceilSeconds(c.limit.Per), 10)
		g.startReclaim()
	}
	g.warnUnknown(p)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			g.serve(w, r, c, next)
		})
	}
}

// warnUnknown logs visibility settings that are not visibilities: they
// fail closed (private).
func (g *Guard) warnUnknown(p *Policy) {
	bad := func(v string) bool {
		_, ok := parseVisibility(v)
		return !ok && !isInherit(v)
	}
	if bad(string(p.Visibility)) && p.Visibility != "" {
		g.log.Warn("auth: project visibility is not public, private or authenticated; treated as private",
			"project", p.Project, "visibility", string(p.Visibility))
	}
	for id, v := range p.Operations {
		if bad(string(v)) {
			g.log.Warn("auth: operation visibility is not a visibility; treated as private",
				"project", p.Project, "operation", id, "visibility", string(v))
		}
	}
	if p.Document == nil {
		return
	}
	for _, op := range p.Document.Operations() {
		if raw, ok := op.Extension(ExtensionVisibility); ok {
			if s, isStr := raw.(string); !isStr || bad(s) {
				g.log.Warn("auth: "+ExtensionVisibility+" is not public, private, authenticated or inherit; treated as private",
					"project", p.Project, "operation", op.ID)
			}
		}
	}
}

// verdict is the outcome of checking a request.
type verdict uint8

const (
	allow verdict = iota
	needAuth
	badKey
	badCredentials // the Authenticator refused the request's own credentials
	forbidden
	hidden // 404: a private operation through a share link, or a hidden project
	unavailable
)

func (g *Guard) serve(w http.ResponseWriter, r *http.Request, c *compiled, next http.Handler) {
	ctx := r.Context()
	now := g.now()
	linkID, viaLink := LinkIDFrom(ctx)

	// Which operation, when the policy has rules for operations.
	var op *openapi.Operation
	if c.routes {
		if m, ok := openapi.MatchFrom(ctx); ok && m.Operation != nil && (c.Document == nil || m.Document() == c.Document) {
			op = m.Operation
		} else if c.Document != nil {
			// No match, or one another document made: route here.
			if m, err := c.Document.Router().Find(r); err == nil {
				op = m.Operation
				ctx = openapi.ContextWithMatch(ctx, m)
			}
		}
	}
	own, hasOwn := c.ownVisibility(op)
	vis := own
	if !hasOwn {
		vis = c.projectVisibility()
	}
	if viaLink && hasOwn && own == store.Private {
		g.refuse(w, r, c, op, hidden, sourceNone)
		return
	}

	cred := extract(r, c.AllowQueryToken, g.authn == nil, g.maxForm)
	if cred.carried {
		vals := make([]string, 2) // one allocation for both fields
		vals[0], vals[1] = "no-store", "no-referrer"
		h := w.Header()
		h["Cache-Control"] = vals[0:1:1]
		h["Referrer-Policy"] = vals[1:2:2]
	}

	// Who is calling.
	var (
		pr  *Principal
		key *store.Key
		v   = allow
	)
	switch {
	case cred.from != sourceNone:
		key, v = g.checkKey(ctx, cred.token, now)
		if v == allow {
			pr = &Principal{KeyID: key.ID, UserID: key.Owner, Method: MethodKey}
		}
	case g.authn != nil:
		p, err := g.authn(r)
		switch {
		case errors.Is(err, store.ErrUnavailable):
			g.log.LogAttrs(ctx, slog.LevelWarn, "auth: authenticator failed", slog.String("error", err.Error()))
			v = unavailable
		case errors.Is(err, ErrInvalidUserToken):
			v = badKey
		case err != nil:
			v = badCredentials
		case p != nil:
			pr = p
			if pr.Method == "" {
				pr.Method = MethodAuthenticator
			}
		case cred.foreign:
			v = badCredentials
		default:
			v = needAuth
		}
	default:
		v = needAuth
		if cred.foreign {
			v = badCredentials
		}
	}

	// May they call it.
	switch vis {
	case store.Public:
		if v != allow {
			// Anyone may call a public operation: bad or absent credentials
			// make an anonymous caller.
			pr, key, v = nil, nil, allow
		}
	case store.Authenticated:
		if v == allow && key != nil && !key.Allows(c.Project) {
			v = forbidden
		}
	default: // private
		if v == allow {
			v = g.admit(ctx, c, key, pr)
		}
	}
	if c.HideProject && c.projectVisibility() == store.Private && vis != store.Public {
		switch v {
		case needAuth, badKey, badCredentials, forbidden:
			// A 401 would tell as much as a 403 that the project exists.
			v = hidden
		}
	}
	if v != allow {
		g.refuse(w, r, c, op, v, cred.from)
		return
	}

	if pr == nil {
		pr = &Principal{}
	}
	pr.LinkID = linkID

	if c.limit.enabled() && !g.admitRate(w, r, c, key, pr, viaLink, now) {
		return
	}
	if key != nil {
		if err := g.keys.Touch(ctx, key.ID, now); err != nil {
			g.log.LogAttrs(ctx, slog.LevelDebug, "auth: recording key use failed",
				slog.String("key", key.ID), slog.String("error", err.Error()))
		}
	}
	ctx = ContextWithPrincipal(ctx, pr)
	next.ServeHTTP(w, r.WithContext(ctx))
}

// checkKey validates a presented key: its shape and checksum offline, then
// the store, then (with the guard's clock) expiry and revocation.
func (g *Guard) checkKey(ctx context.Context, token string, now time.Time) (*store.Key, verdict) {
	if g.keys == nil || CheckKey(token) != nil {
		return nil, badKey
	}
	hash := HashKey(token)
	k, err := g.keys.Lookup(ctx, hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, badKey
	case err != nil:
		g.log.LogAttrs(ctx, slog.LevelWarn, "auth: key lookup failed", slog.String("error", err.Error()))
		return nil, unavailable
	}
	// The store found the key by its digest; compare the fixed-length
	// digests again in constant time so that no backend's comparison (or a
	// case-insensitive collation) decides alone.
	if !sameDigest(k.Hash, hash) || !k.Active(now) {
		return nil, badKey
	}
	return k, allow
}

// sameDigest compares two hex SHA-256 digests in constant time, from stack
// copies.
func sameDigest(a, b string) bool {
	var x, y [64]byte
	if len(a) != len(x) || len(b) != len(y) {
		return false
	}
	copy(x[:], a)
	copy(y[:], b)
	return subtle.ConstantTimeCompare(x[:], y[:]) == 1
}

// admit decides a private operation for an authenticated caller: a key
// allowed for the project, the owner, or a member of the team.
func (g *Guard) admit(ctx context.Context, c *compiled, key *store.Key, pr *Principal) verdict {
	if key != nil {
		if key.Allows(c.Project) {
			return allow
		}
		return forbidden
	}
	if pr.UserID != "" && pr.UserID == c.Owner {
		return allow
	}
	if c.Team == "" {
		return forbidden
	}
	if pr.InTeam(c.Team) {
		return allow
	}
	if g.members == nil || pr.UserID == "" {
		return forbidden
	}
	ok, err := g.members.IsMember(ctx, pr.UserID, c.Team)
	if err != nil {
		g.log.LogAttrs(ctx, slog.LevelWarn, "auth: membership check failed",
			slog.String("project", c.Project), slog.String("error", err.Error()))
		return unavailable
	}
	if ok {
		return allow
	}
	return forbidden
}

// admitRate takes a token from the caller's bucket: the key's, else the
// share link's, else the user's, else the client address's. It answers 429
// and returns false when the bucket is empty.
func (g *Guard) admitRate(w http.ResponseWriter, r *http.Request, c *compiled, key *store.Key, pr *Principal, viaLink bool, now time.Time) bool {
	bk := bucketKey{project: c.Project}
	switch {
	case key != nil:
		bk.kind, bk.id = 'k', key.ID
	case viaLink:
		bk.kind, bk.id = 'l', pr.LinkID
	case pr.UserID != "":
		bk.kind, bk.id = 'u', pr.UserID
	default:
		bk.kind, bk.addr = 'a', g.clientAddr(r)
	}
	return g.takeToken(w, r, bk, c.interval, c.window, c.limitField, now)
}

// AdmitVisitor applies a share link's per-visitor limit l: a token bucket
// per link and client address (IPv6 narrowed to its /64, read from
// Options.ClientAddrHeader when set), so that one visitor cannot use a
// link up for everyone. When the visitor's bucket is empty it answers 429
// RATE_LIMITED with Retry-After and RateLimit fields, and returns false.
// A zero Limit admits every request.
func (g *Guard) AdmitVisitor(w http.ResponseWriter, r *http.Request, project, linkID string, l Limit) bool {
	if !l.enabled() {
		return true
	}
	g.startReclaim()
	interval, window := l.rates()
	policy := `"visitor";q=` + strconv.Itoa(l.Requests) + `;w=` + strconv.FormatInt(ceilSeconds(l.Per), 10)
	bk := bucketKey{project: project, kind: 'v', id: linkID, addr: g.clientAddr(r)}
	return g.takeToken(w, r, bk, interval, window, policy, g.now())
}

// takeToken takes a token from the bucket bk, sets the RateLimit fields,
// and answers 429 and returns false when the bucket is empty.
func (g *Guard) takeToken(w http.ResponseWriter, r *http.Request, bk bucketKey, interval, window time.Duration, limitField string, now time.Time) bool {
	d := g.limits.take(bk, interval, window, now)
	var buf [64]byte
	field := append(buf[:0], `"default";r=`...)
	field = strconv.AppendInt(field, int64(d.remaining), 10)
	field = append(field, ";t="...)
	field = strconv.AppendInt(field, ceilSeconds(d.reset), 10)
	vals := make([]string, 2) // one allocation for both fields
	vals[0], vals[1] = limitField, string(field)
	h := w.Header()
	h["Ratelimit-Policy"] = vals[0:1:1]
	h["Ratelimit"] = vals[1:2:2]
	if d.ok {
		return true
	}
	retry := max(ceilSeconds(d.retry), 1)
	h.Set("Retry-After", strconv.FormatInt(retry, 10))
	g.log.LogAttrs(r.Context(), slog.LevelDebug, "auth: rate limited",
		slog.String("project", bk.project), slog.String("method", r.Method), slog.Int64("retry_after", retry))
	problem.Write(w, problem.New(http.StatusTooManyRequests, problem.CodeRateLimited,
		"Too many requests; retry after "+strconv.FormatInt(retry, 10)+"s."))
	return false
}

func ceilSeconds(d time.Duration) int64 {
	return int64(math.Ceil(d.Seconds()))
}

// clientAddr is the address a request came from, IPv6 addresses narrowed
// to their /64 (one host's usual allocation).
func (g *Guard) clientAddr(r *http.Request) netip.Addr {
	s := r.RemoteAddr
	if g.addrHdr != "" {
		if v := r.Header.Values(g.addrHdr); len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			s = strings.TrimSpace(last)
		}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			host, _, err := net.SplitHostPort(s)
			if err != nil {
				return netip.Addr{}
			}
			a, _ = netip.ParseAddr(host)
		} else {
			a = ap.Addr()
		}
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			a = p.Addr()
		}
	}
	return a
}

// refuse answers a refused request. Nothing of the request's credentials
// appears in the answer or the log.
func (g *Guard) refuse(w http.ResponseWriter, r *http.Request, c *compiled, op *openapi.Operation, v verdict, from source) {
	var p problem.Problem
	h := w.Header()
	switch v {
	case needAuth:
		h.Set("WWW-Authenticate", g.challenge)
		detail := "This API needs credentials: an API key in Authorization: Bearer, X-API-Key or apidogToken."
		if !c.AllowQueryToken && r.URL != nil && r.URL.RawQuery != "" {
			if _, ok := queryToken(r.URL.RawQuery); ok {
				// Say why a key the caller did send was not read.
				detail = "This project does not accept an API key in the apidogToken query parameter " +
					"(its allow_query_token setting is off, since URLs end up in logs): " +
					"send the key in Authorization: Bearer, X-API-Key or an apidogToken header."
			}
		}
		p = problem.New(http.StatusUnauthorized, problem.CodeAuthRequired, detail)
	case badKey:
		h.Set("WWW-Authenticate", g.invalidChallenge)
		p = problem.New(http.StatusUnauthorized, problem.CodeInvalidAPIKey,
			"The API key or user token is malformed, unknown, expired, deactivated or revoked.")
	case badCredentials:
		h.Set("WWW-Authenticate", g.invalidChallenge)
		p = problem.New(http.StatusUnauthorized, problem.CodeAuthRequired,
			"The request's credentials were not accepted.")
	case forbidden:
		p = problem.New(http.StatusForbidden, problem.CodeForbidden,
			"The credentials are valid but do not allow this operation.")
	case hidden:
		p = problem.New(http.StatusNotFound, problem.CodeNotFound, "Nothing here.")
	default:
		p = problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable,
			"Credentials cannot be checked right now; try again.")
		h.Set("Retry-After", "1")
	}
	if g.log.Enabled(r.Context(), slog.LevelDebug) {
		attrs := []slog.Attr{
			slog.String("project", c.Project),
			slog.String("method", r.Method),
			slog.Int("status", p.Status),
			slog.String("code", string(p.Code)),
			slog.String("credential", from.String()),
		}
		if op != nil {
			attrs = append(attrs, slog.String("operation", op.ID))
		}
		g.log.LogAttrs(r.Context(), slog.LevelDebug, "auth: refused", attrs...)
	}
	problem.Write(w, p)
}
