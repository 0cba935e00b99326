package mockapi

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/mockapi-go/mockapi/mock/callback"
	"net/http"
	"strconv"
	"sync"

	"github.com/mockapi-go/mockapi/auth"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
)

// compiled is one project version made ready to serve.
type compiled struct {
	project  *store.Project // without its Spec
	settings Settings
	specSum  [sha256.Size]byte
	doc      *openapi.Document
	mock     *mock.Handler
	policy   *auth.Policy
	guarded  http.Handler // guard, then the mock
	served   *share.Served
	cb       *callback.Dispatcher // nil: the project fires no callbacks
}

// compiler caches what the Server compiled: for each project, the latest
// version compiled, or the error that version gave. Compiling is
// single-flight per (project, version): concurrent requests for a version
// not yet compiled wait for one compilation, while other projects, and
// other versions of the same project, compile at the same time.
type compiler struct {
	mu      sync.RWMutex
	cache   map[string]*compiled     // by project id: the latest version seen
	failed  map[string]*ProjectError // by project id: the latest version seen, when it failed
	flights map[string]*flight       // by project id and version
}

// flight is one compilation in progress; done closes when c or err is set.
type flight struct {
	done chan struct{}
	c    *compiled
	err  error
}

func newCompiler() compiler {
	return compiler{cache: map[string]*compiled{}, failed: map[string]*ProjectError{}, flights: map[string]*flight{}}
}

// project returns the compiled current version of a project. Only the
// version is read from the store on every call, an indexed read of one
// integer however large the spec, so a spec or setting replaced through
// another instance is served from the next request on, and a project
// deleted through another instance is forgotten; the project itself is read
// and compiled once per version. A version that cannot be compiled is a
// *ProjectError, remembered until the version changes.
func (s *Server) project(ctx context.Context, id string) (*compiled, error) {
	v, err := s.st.Projects().Version(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.forget(id)
		}
		return nil, err
	}
	if c, err, ok := s.lookup(id, v); ok {
		return c, err
	}
	return s.fly(ctx, id, v, func() (*compiled, error) {
		// The version may have moved on since it was read: compile what is
		// stored now, under the version it has.
		p, err := s.st.Projects().Get(context.WithoutCancel(ctx), id)
		if err != nil {
			return nil, err
		}
		if c, err, ok := s.lookup(id, p.Version); ok {
			return c, err
		}
		doc, err := s.document(ctx, p)
		if err != nil {
			return nil, s.fail(p, err)
		}
		return s.compileAndKeep(p, doc)
	})
}

// lookup returns what is cached for the version of a project: ok is false
// when nothing is.
func (s *Server) lookup(id string, v int64) (*compiled, error, bool) {
	s.comp.mu.RLock()
	defer s.comp.mu.RUnlock()
	if c := s.comp.cache[id]; c != nil && c.project.Version == v {
		return c, nil, true
	}
	if f := s.comp.failed[id]; f != nil && f.Version == v {
		return nil, f, true
	}
	return nil, nil, false
}

// fly runs build once for the (project, version), however many callers
// ask at once; the others wait for its result, or until their ctx ends.
func (s *Server) fly(ctx context.Context, id string, v int64, build func() (*compiled, error)) (*compiled, error) {
	key := id + "@" + strconv.FormatInt(v, 10)
	s.comp.mu.Lock()
	if f, ok := s.comp.flights[key]; ok {
		s.comp.mu.Unlock()
		select {
		case <-f.done:
			return f.c, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	s.comp.flights[key] = f
	s.comp.mu.Unlock()
	defer func() {
		s.comp.mu.Lock()
		delete(s.comp.flights, key)
		s.comp.mu.Unlock()
		close(f.done)
	}()
	f.c, f.err = build()
	return f.c, f.err
}

// document returns the parsed description of a stored project: the cached
// one when the spec is the one the cached version was compiled from (a
// change of visibility or settings parses nothing), else a new parse.
func (s *Server) document(ctx context.Context, p *store.Project) (*openapi.Document, error) {
	if c := s.cached(p.ID); c != nil && c.specSum == sha256.Sum256(p.Spec) {
		return c.doc, nil
	}
	doc, err := openapi.Parse(context.WithoutCancel(ctx), p.Spec, openapi.WithName(p.ID+"."+p.SpecFormat))
	if err != nil {
		return nil, fmt.Errorf("mockapi: project %s: %w", p.ID, err)
	}
	return doc, nil
}

// prepare compiles a project version from a description already parsed,
// unless that version is cached.
func (s *Server) prepare(p *store.Project, doc *openapi.Document) error {
	_, err := s.fly(context.Background(), p.ID, p.Version, func() (*compiled, error) {
		if c, err, ok := s.lookup(p.ID, p.Version); ok {
			return c, err
		}
		return s.compileAndKeep(p, doc)
	})
	return err
}

func (s *Server) compileAndKeep(p *store.Project, doc *openapi.Document) (*compiled, error) {
	c, err := s.compile(p, doc)
	if err != nil {
		return nil, s.fail(p, err)
	}
	s.keep(c)
	return c, nil
}

// fail remembers that a project version cannot be served, logs why once,
// and returns the *ProjectError.
func (s *Server) fail(p *store.Project, err error) error {
	pe := &ProjectError{Project: p.ID, Version: p.Version, Err: err}
	s.comp.mu.Lock()
	s.comp.failed[p.ID] = pe
	s.comp.mu.Unlock()
	s.logger.Error("mockapi: a project cannot be served until it is updated", "project", p.ID, "version", p.Version, "err", err)
	return pe
}

func (s *Server) cached(id string) *compiled {
	s.comp.mu.RLock()
	defer s.comp.mu.RUnlock()
	return s.comp.cache[id]
}

// keep makes c the cached version of its project. The latest compiled
// wins, not the highest version: versions of a project deleted and created
// again elsewhere need not grow (the store makes them, on clocks that may
// differ), and a version older than the stored one is only compiled again
// at the next request.
func (s *Server) keep(c *compiled) {
	s.comp.mu.Lock()
	defer s.comp.mu.Unlock()
	if old := s.comp.cache[c.project.ID]; old != nil && old.cb != nil && old.cb != c.cb {
		go old.cb.Close() // the replaced version's pending callbacks stop
	}
	s.comp.cache[c.project.ID] = c
	delete(s.comp.failed, c.project.ID)
}

// forget drops what is cached for a project that no longer exists.
func (s *Server) forget(id string) {
	s.comp.mu.Lock()
	defer s.comp.mu.Unlock()
	if old := s.comp.cache[id]; old != nil && old.cb != nil {
		go old.cb.Close()
	}
	delete(s.comp.cache, id)
	delete(s.comp.failed, id)
}

// closeCallbacks stops every project's pending callbacks.
func (s *Server) closeCallbacks() {
	s.comp.mu.Lock()
	var ds []*callback.Dispatcher
	for _, c := range s.comp.cache {
		if c.cb != nil {
			ds = append(ds, c.cb)
		}
	}
	s.comp.mu.Unlock()
	for _, d := range ds {
		_ = d.Close()
	}
}

// compile makes a project version ready to serve. The mock handler of the
// cached version is kept when the spec and the seed count are the same:
// only the policy changes with visibility and the other settings. Settings that do not parse are an
// error: the project is not served without a limit it was given.
func (s *Server) compile(p *store.Project, doc *openapi.Document) (*compiled, error) {
	set, err := decodeSettings(p.Settings)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(p.Spec)
	var h *mock.Handler
	var cb *callback.Dispatcher
	if old := s.cached(p.ID); old != nil && old.specSum == sum && old.doc == doc && old.settings.SeedRecords == set.SeedRecords &&
		old.settings.Callbacks.equal(set.Callbacks) && rulesEqual(old.settings.Rules, set.Rules) {
		h, cb = old.mock, old.cb
	} else {
		opts := append(append([]mock.Option{}, s.o.MockOptions...), mock.WithStore(s.st.Records(), p.ID), mock.WithoutCORS())
		if o := set.seedOption(); o != nil {
			opts = append(opts, o)
		}
		opts = append(opts, ruleOptions(set.Rules)...)
		if cb, err = s.dispatcher(p, set.Callbacks); err != nil {
			return nil, err
		}
		if cb != nil {
			opts = append(opts, mock.WithCallbacks(cb))
		}
		if h, err = mock.New(doc, opts...); err != nil {
			if cb != nil {
				_ = cb.Close()
			}
			return nil, fmt.Errorf("mockapi: project %s: %w", p.ID, err)
		}
	}
	// The compiled project keeps no spec bytes, only their digest: the
	// document is what is served, and the bytes are read again only to
	// compile a new version.
	kept := *p
	kept.Spec = nil
	p = &kept
	policy := &auth.Policy{
		Project:         p.ID,
		Visibility:      p.Visibility,
		Operations:      p.OperationVisibility,
		Document:        doc,
		Owner:           p.Owner,
		Team:            p.Team,
		AllowQueryToken: set.AllowQueryToken,
		RateLimit:       set.RateLimit.limit(),
		HideProject:     s.o.HideProjects,
	}
	c := &compiled{project: p, settings: set, specSum: sum, doc: doc, mock: h, policy: policy, cb: cb}
	// Behind the guard, direct calls and share-link calls alike count
	// against the quotas (admitted).
	inner := s.admitted(p, h)
	c.guarded = s.guard.Protect(policy)(capture(inner))
	// A link alone never opens a private project: its visitors need a key
	// allowed for it, as direct callers do.
	c.served = &share.Served{Project: p, Document: doc, Mock: inner, Policy: policy, TokenRequired: p.Visibility == store.Private}
	return c, nil
}
