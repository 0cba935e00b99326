package mockapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/internal/ratelog"
	"github.com/mockapi-go/mockapi/store"
)

// DefaultHealthPath is where a Server serves its liveness and readiness
// probes unless Options.HealthPath says otherwise.
const DefaultHealthPath = "/_health"

// DefaultReadyTimeout bounds the readiness probe's store query unless
// Options.ReadyTimeout says otherwise.
const DefaultReadyTimeout = time.Second

// readyProbeKey is the key id the readiness probe looks up: a query by
// primary key that every backend answers at once, found or not.
const readyProbeKey = "readiness-probe"

// ops are the operator's endpoints beside the mocks: the probes and the
// metrics. Neither is a project's traffic: they are not logged, counted,
// nor behind the CORS policy.
type ops struct {
	health, metricsPath string // "" when off
	readyTimeout        time.Duration
	metrics             *metrics
	draining            atomic.Bool // Shutdown has begun: not ready
	failures            ratelog.Limiter[struct{}]
}

func newOps(o Options, rec *recorder) (*ops, error) {
	p := &ops{readyTimeout: orDefault(o.ReadyTimeout, DefaultReadyTimeout), metrics: newMetrics(rec)}
	var err error
	if p.health, err = opsPath("HealthPath", o.HealthPath, DefaultHealthPath); err != nil {
		return nil, err
	}
	if p.metricsPath, err = opsPath("MetricsPath", o.MetricsPath, DefaultMetricsPath); err != nil {
		return nil, err
	}
	if p.readyTimeout < 0 {
		return nil, fmt.Errorf("mockapi: Options.ReadyTimeout %v is negative", p.readyTimeout)
	}
	return p, nil
}

// opsPath checks an operator endpoint's path: "" is def, "-" is off, and
// a path must not shadow the management API, projects or share links.
func opsPath(field, path, def string) (string, error) {
	switch {
	case path == "":
		return def, nil
	case path == "-":
		return "", nil
	case !strings.HasPrefix(path, "/") || path == "/" || strings.HasSuffix(path, "/") ||
		path == "/p" || path == "/s" || path == "/_admin" ||
		strings.HasPrefix(path, "/p/") || strings.HasPrefix(path, "/s/") || strings.HasPrefix(path, "/_admin/"):
		return "", fmt.Errorf("mockapi: Options.%s %q: want a path such as %q, outside /_admin/, /p/ and /s/, or \"-\" for none", field, path, def)
	}
	return path, nil
}

// serveOps answers the probes and the metrics, and reports whether the
// request was one of them.
func (s *Server) serveOps(w http.ResponseWriter, r *http.Request) bool {
	p := s.ops
	path := r.URL.Path
	switch {
	case p.metricsPath != "" && path == p.metricsPath:
		if onlyGet(w, r) {
			p.metrics.handler.ServeHTTP(w, r)
		}
		return true
	case p.health != "" && strings.HasPrefix(path, p.health) &&
		(len(path) == len(p.health) || path[len(p.health)] == '/'):
		if onlyGet(w, r) {
			s.serveHealth(w, r, path[len(p.health):])
		}
		return true
	}
	return false
}

// serveHealth answers /live and /ready under the health path; anything
// else there is 404, so the prefix is the probes' alone.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, probe string) {
	w.Header().Set("Cache-Control", "no-store")
	switch probe {
	case "/live":
		writeStatus(w, "live")
	case "/ready":
		if err := s.ready(r.Context()); err != nil {
			w.Header().Set("Retry-After", "1")
			problem.Write(w, problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable, err.Error()))
			return
		}
		writeStatus(w, "ready")
	default:
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound, "the probes are "+s.ops.health+"/live and "+s.ops.health+"/ready"))
	}
}

// ready says whether the Server can serve projects now: it is not shutting
// down, and the store answers a query by primary key within the ready
// timeout. The error is for the caller: it names what is wrong but quotes
// nothing of the store's error (a host name, a user): that is logged, once
// per burst.
func (s *Server) ready(ctx context.Context) error {
	if s.ops.draining.Load() {
		return errors.New("the server is shutting down")
	}
	ctx, cancel := context.WithTimeout(ctx, s.ops.readyTimeout)
	defer cancel()
	_, err := s.st.Keys().Get(ctx, readyProbeKey)
	if err == nil || errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if ok, held := s.ops.failures.Allow(struct{}{}, time.Now()); ok {
		s.logger.Warn("mockapi: readiness: the store does not answer", "err", err, "suppressed", held)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the store did not answer within %v", s.ops.readyTimeout)
	}
	return errors.New("the store does not answer")
}

// onlyGet answers 405 to anything but GET and HEAD.
func onlyGet(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	problem.Write(w, problem.New(http.StatusMethodNotAllowed, problem.CodeMethodNotAllowed, "the probes and metrics answer GET and HEAD"))
	return false
}

func writeStatus(w http.ResponseWriter, status string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, "{\"status\":%q}\n", status)
}
