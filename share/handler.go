package share

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/internal/httpx"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// Served is what the host gives the handler for a project. The host caches
// one per project version and returns the same pointer while the project is
// unchanged: the handler keeps its own per-project work (guard middleware,
// page, export) for as long as it gets the same *Served.
type Served struct {
	Project  *store.Project
	Document *openapi.Document
	// Mock is the project's mock handler, unguarded: the handler puts the
	// guard with the link's policy in front of it.
	Mock http.Handler
	// Policy is the project's own policy, from which each link's policy is
	// derived; it is not changed. Nil: a policy with the project's id and
	// Document, and no operation overrides.
	Policy *auth.Policy
	// TokenRequired makes every link to the project need an API key, as
	// LinkOptions.TokenRequired makes one link need it: a host sets it
	// for a project that must not open to a link alone (mockapi.Server
	// does for private projects).
	TokenRequired bool
}

// Options configure a Handler. Registry, Guard and Project are required.
type Options struct {
	// Registry resolves tokens.
	Registry *Registry
	// Guard applies each link's policy: keys, per-operation visibility and
	// per-link rate limits.
	Guard *auth.Guard
	// Project returns what to serve for a project id; an error wrapping
	// store.ErrNotFound answers 404 like an unknown link.
	Project func(ctx context.Context, projectID string) (*Served, error)
	// Prefix is the path the handler is mounted at, with leading and
	// trailing slashes. Empty: "/s/".
	Prefix string
	// Record, when set, is called once per request through an active link,
	// after it has been answered, with the time, project, operation id (empty
	// when no operation matched, and for the project page), method, path
	// below the link without the query, status, latency, link id, API key id
	// (when a key let the request in), visitor session and user agent.
	Record func(store.Entry)
	// ClientAddr, when set, gives the caller's address that Record's entry
	// holds (Entry.Client); nil records none. The handler itself never
	// trusts forwarded headers: ClientAddr decides which proxies to believe.
	ClientAddr func(*http.Request) string
	// BaseURL is the scheme and host of absolute share URLs on the page and
	// in the export ("https://mock.example.com"). Empty: taken from the
	// request, https when it came over TLS. Forwarded headers are never
	// trusted.
	BaseURL string
	// RateLimit applies per link (a visitor with their own API key is
	// limited per key, as the guard does). Zero: the project policy's.
	RateLimit auth.Limit
	// CookieName names the visitor-session cookie. Empty: "mockapi_visitor".
	CookieName string
	// Logger receives failures to load a project or resolve a token, never
	// a token. Nil: nothing is logged.
	Logger *slog.Logger
}

// Handler serves {Prefix}{token}/rest/of/path: the shared project's API
// through the guard and mock, its page and its description.
type Handler struct {
	o   Options
	log *slog.Logger

	mu       sync.Mutex
	projects map[string]*servedState // by project id
}

var _ http.Handler = (*Handler)(nil)

// NewHandler checks o and returns a Handler.
func NewHandler(o Options) (*Handler, error) {
	switch {
	case o.Registry == nil:
		return nil, errors.New("share: Options.Registry is required")
	case o.Guard == nil:
		return nil, errors.New("share: Options.Guard is required")
	case o.Project == nil:
		return nil, errors.New("share: Options.Project is required")
	}
	if o.Prefix == "" {
		o.Prefix = "/s/"
	}
	if !strings.HasPrefix(o.Prefix, "/") || !strings.HasSuffix(o.Prefix, "/") {
		return nil, fmt.Errorf("share: prefix %q must start and end with /", o.Prefix)
	}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("share: base URL %q is not an http(s) URL with a host", o.BaseURL)
		}
		o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	}
	if o.CookieName == "" {
		o.CookieName = "mockapi_visitor"
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o, log: log, projects: map[string]*servedState{}}, nil
}

type linkKey struct{}

// LinkFrom returns the share link a request came through.
func LinkFrom(ctx context.Context) (*store.Link, bool) {
	l, ok := ctx.Value(linkKey{}).(*store.Link)
	return l, ok && l != nil
}

// ServeHTTP resolves the token and serves the rest of the path.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	token, rest, ok := splitPath(h.o.Prefix, r.URL.EscapedPath())
	if !ok {
		notFound(w)
		return
	}
	ctx := r.Context()
	link, err := h.o.Registry.Resolve(ctx, token)
	if err != nil {
		h.fail(w, r, "resolving a share link", err)
		return
	}
	served, err := h.o.Project(ctx, link.Project)
	if err == nil && (served == nil || served.Document == nil || served.Mock == nil) {
		err = fmt.Errorf("share: project %s: incomplete Served", link.Project)
	}
	if err != nil {
		h.fail(w, r, "loading the project of share link "+link.ID, err)
		return
	}
	st := h.state(served, link.Project)
	needKey := link.TokenRequired || served.TokenRequired

	sw := &httpx.StatusWriter{ResponseWriter: w}
	entry := store.Entry{Time: start, Project: link.Project, Method: r.Method, LinkID: link.ID, Path: "/", UserAgent: r.UserAgent()}
	if h.o.ClientAddr != nil {
		entry.Client = h.o.ClientAddr(r)
	}
	var upstream proxy.Report // filled by an upstream (mock.WithUpstream)
	defer func() {
		if h.o.Record != nil {
			entry.Status, entry.Latency = sw.Status(), time.Since(start)
			entry.Source, entry.Drift = upstream.Source, upstream.DriftText()
			h.o.Record(entry)
		}
	}()

	if rest == "" {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// Logged with an empty path: the redirect is not a page view,
			// the request it leads to is.
			entry.Path = ""
			target := r.URL.EscapedPath() + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(sw, r, target, http.StatusMovedPermanently)
			return
		}
		rest = "/"
	}
	path, err := url.PathUnescape(rest)
	if err != nil {
		notFound(sw)
		return
	}
	entry.Path = path
	if link.VisitorRequests > 0 && !h.o.Guard.AdmitVisitor(sw, r, link.Project, link.ID,
		auth.Limit{Requests: link.VisitorRequests, Per: link.VisitorPer}) {
		return
	}
	if rest == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		if kind := st.describe(r); kind != describeNone {
			shareURL := h.shareURL(r, token)
			describe := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if kind == describePage {
					h.servePage(w, r, st, needKey, shareURL)
				} else {
					st.serveExport(w, shareURL, h.log)
				}
			})
			if !needKey || kind == describePage {
				describe(sw, r)
				return
			}
			// A link that requires a key gives its description only with
			// one, like its operations. Its page, which tells a visitor to
			// bring a key, is open.
			st.tokGate(describe).ServeHTTP(sw, r.WithContext(auth.ContextWithLinkID(ctx, link.ID)))
			return
		}
	}

	visitor, ok := h.visitor(sw, r, token)
	if !ok {
		problem.Write(sw, problem.New(http.StatusBadRequest, problem.CodeValidation,
			mock.SessionHeader+" must be 1 to 128 letters, digits, '-', '_' or '.'"))
		return
	}
	session := "link:" + link.ID + ":" + visitor
	entry.Session = session

	// A shallow copy: nothing behind the link changes the request's
	// headers (the proxy sends a copy of its own), so they need no deep
	// copy on every request.
	r2 := r.WithContext(ctx)
	u := *r.URL
	u.Path, u.RawPath = path, ""
	if u.EscapedPath() != rest {
		u.RawPath = rest
	}
	// RequestURI stays as the client sent it: the mock tells its mount
	// from it, so the URLs it writes point back inside the link.
	r2.URL = &u

	policy, guarded := st.pub, st.pubHandler
	if needKey {
		policy, guarded = st.tok, st.tokHandler
	}
	if m, err := served.Document.Router().Find(r2); err == nil {
		entry.Operation = m.Operation.ID
		if policy.OperationVisibility(m.Operation) == store.Private {
			// As if it did not exist, and before the guard: a private
			// operation is never served through a link.
			problem.Write(sw, problem.New(http.StatusNotFound, problem.CodeNotFound,
				"no path of the API description matches "+rest))
			return
		}
		ctx = openapi.ContextWithMatch(ctx, m)
	}
	var seen principalSeen
	ctx = context.WithValue(ctx, linkKey{}, link)
	ctx = auth.ContextWithLinkID(ctx, link.ID)
	ctx = mock.ContextWithSession(ctx, session)
	ctx = context.WithValue(ctx, principalSeenKey{}, &seen)
	ctx = proxy.ContextWithReport(ctx, &upstream)
	guarded.ServeHTTP(sw, r2.WithContext(ctx))
	entry.KeyID = seen.keyID
}

// splitPath finds the token and the escaped rest of the path ("" when the
// token ends the path, else starting with "/").
func splitPath(prefix, escaped string) (token, rest string, ok bool) {
	after, found := strings.CutPrefix(escaped, prefix)
	if !found {
		return "", "", false
	}
	token, rest, slash := strings.Cut(after, "/")
	if CheckToken(token) != nil {
		return "", "", false
	}
	if slash {
		rest = "/" + rest
	}
	return token, rest, true
}

// fail answers a request whose link or project could not be found (404, the
// same for every reason) or loaded (500, logged).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, doing string, err error) {
	if errors.Is(err, store.ErrNotFound) {
		notFound(w)
		return
	}
	h.log.LogAttrs(r.Context(), slog.LevelError, "share: "+doing+" failed", slog.String("error", err.Error()))
	problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, "The shared API cannot be served right now."))
}

// notFound is the one answer for every token that opens nothing.
func notFound(w http.ResponseWriter) {
	problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "There is no shared API at this address."))
}

// shareURL is the absolute URL of the link, with a trailing slash.
func (h *Handler) shareURL(r *http.Request, token string) string {
	base := h.o.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + h.o.Prefix + token + "/"
}

// visitor returns the request's visitor id: the X-Mock-Session header, else
// the cookie, else a new random id set as a cookie scoped to the link.
// false means the header holds something that is not a visitor id.
func (h *Handler) visitor(w http.ResponseWriter, r *http.Request, token string) (string, bool) {
	if v := r.Header.Get(mock.SessionHeader); v != "" {
		return v, validVisitor(v)
	}
	if c, err := r.Cookie(h.o.CookieName); err == nil && validVisitor(c.Value) {
		return c.Value, true
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{
		Name:     h.o.CookieName,
		Value:    v,
		Path:     h.o.Prefix + token,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   r.TLS != nil || strings.HasPrefix(h.o.BaseURL, "https:"),
	})
	return v, true
}

func validVisitor(v string) bool {
	if len(v) == 0 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// principalSeen carries, out of the guarded chain, the key that let the
// request in, for the request log.
type principalSeen struct{ keyID string }

type principalSeenKey struct{}

// observe notes the principal the guard let the request in as, then calls
// the mock.
func observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen, ok := r.Context().Value(principalSeenKey{}).(*principalSeen); ok {
			if p, ok := auth.PrincipalFrom(r.Context()); ok {
				seen.keyID = p.KeyID
			}
		}
		next.ServeHTTP(w, r)
	})
}

// servedState is the handler's work for one *Served: the two link policies
// with their guarded handlers, and, made on first use, the page and export.
type servedState struct {
	served                 *Served
	pub, tok               *auth.Policy
	pubHandler, tokHandler http.Handler
	tokGate                func(http.Handler) http.Handler // a key allowed for the project
	rootOp                 bool                            // GET / is an operation of the API

	pageOnce sync.Once
	page     *pageModel

	exportOnce sync.Once
	export     []byte
	exportErr  error
}

// state returns the state for served, replacing the state of an older
// version of the project.
func (h *Handler) state(served *Served, project string) *servedState {
	h.mu.Lock()
	st := h.projects[project]
	h.mu.Unlock()
	if st != nil && st.served == served {
		return st
	}
	st = h.newState(served, project)
	h.mu.Lock()
	if cur := h.projects[project]; cur != nil && cur.served == served {
		st = cur // another request built it first
	} else {
		h.projects[project] = st
	}
	h.mu.Unlock()
	return st
}

// newState derives the link policies from the project's: public links make
// the project public, token links make it need a key allowed for the
// project, also for operations whose own visibility is public. Operations
// whose own visibility is private stay private (and are never served);
// operations whose own visibility is authenticated keep needing a key.
func (h *Handler) newState(served *Served, project string) *servedState {
	base := auth.Policy{Project: project, Document: served.Document}
	if served.Policy != nil {
		base = *served.Policy
		if base.Project == "" {
			base.Project = project
		}
		if base.Document == nil {
			base.Document = served.Document
		}
	}
	if h.o.RateLimit != (auth.Limit{}) {
		base.RateLimit = h.o.RateLimit
	}
	pub, tok := base, base
	pub.Visibility = store.Public
	tok.Visibility = store.Authenticated
	ops := make(map[string]store.Visibility, len(base.Operations))
	for id, v := range base.Operations {
		ops[id] = v
	}
	for _, op := range served.Document.Operations() {
		if tok.OperationVisibility(op) == store.Public {
			ops[op.ID] = store.Authenticated
		}
	}
	tok.Operations = ops
	inner := observe(served.Mock)
	gate := tok
	gate.Document, gate.Operations = nil, nil
	st := &servedState{
		served: served, pub: &pub, tok: &tok,
		pubHandler: h.o.Guard.Protect(&pub)(inner),
		tokHandler: h.o.Guard.Protect(&tok)(inner),
		tokGate:    h.o.Guard.Protect(&gate),
	}
	root, _ := http.NewRequest(http.MethodGet, "/", nil)
	if _, err := served.Document.Router().Find(root); err == nil {
		st.rootOp = true
	}
	return st
}

// hidden reports whether an operation is kept from shared visitors.
func (st *servedState) hidden(op *openapi.Operation) bool {
	return st.pub.OperationVisibility(op) == store.Private
}

type describeKind uint8

const (
	describeNone describeKind = iota
	describePage
	describeExport
)

// describe decides what GET {link}/ answers: ?format=openapi (or json) the
// description, ?format=html the page; otherwise, when the API itself has no
// GET / operation, the page unless Accept prefers JSON, in which case the
// description.
func (st *servedState) describe(r *http.Request) describeKind {
	switch r.URL.Query().Get("format") {
	case "openapi", "json":
		return describeExport
	case "html":
		return describePage
	}
	if st.rootOp {
		return describeNone
	}
	accept := r.Header.Get("Accept")
	if accept == "" {
		return describePage
	}
	html, json := quality(accept, "text", "html"), max(quality(accept, "application", "json"), quality(accept, "application", "vnd.oai.openapi+json"))
	if json > html {
		return describeExport
	}
	return describePage
}

// quality is the q value Accept gives the media type, most specific range
// first; 0 when none matches.
func quality(accept, typ, sub string) float64 {
	best, spec := 0.0, -1
	for part := range strings.SplitSeq(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		t, s, _ := strings.Cut(mt, "/")
		var level int
		switch {
		case t == typ && s == sub:
			level = 2
		case t == typ && s == "*":
			level = 1
		case t == "*" && s == "*":
			level = 0
		default:
			continue
		}
		q := 1.0
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		if level > spec {
			best, spec = q, level
		}
	}
	return best
}

// servePage renders the project page.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request, st *servedState, needKey bool, shareURL string) {
	st.pageOnce.Do(func() { st.page = buildPage(st.served.Document, st.hidden) })
	v := &pageView{
		pageModel: st.page, ShareURL: shareURL, OpenAPIURL: shareURL + "?format=openapi",
		TokenRequired: needKey, Name: st.served.Document.Info().Title,
	}
	if p := st.served.Project; p != nil && p.Name != "" {
		v.Name = p.Name
	}
	if v.Name == "" {
		v.Name = "Shared API"
	}
	v.Curls = make([]string, len(st.page.Ops))
	for i := range st.page.Ops {
		v.Curls[i] = curl(&st.page.Ops[i], shareURL, needKey)
	}
	var buf strings.Builder
	if err := pageTemplate.Execute(&buf, v); err != nil {
		h.log.LogAttrs(r.Context(), slog.LevelError, "share: rendering the page failed", slog.String("error", err.Error()))
		problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, "The page cannot be shown right now."))
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	privateHeaders(hd)
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(buf.String()))
}

// serveExport answers the description for this link.
func (st *servedState) serveExport(w http.ResponseWriter, shareURL string, log *slog.Logger) {
	st.exportOnce.Do(func() { st.export, st.exportErr = exportTemplate(st.served.Document, st.hidden) })
	if st.exportErr != nil {
		log.Error("share: exporting the description failed", "error", st.exportErr.Error())
		problem.Write(w, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, "The description cannot be exported right now."))
		return
	}
	body := renderExport(st.export, shareURL)
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	privateHeaders(hd)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// privateHeaders keep a response that names the token out of caches,
// search engines and other sites' Referer headers.
func privateHeaders(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("X-Content-Type-Options", "nosniff")
}
