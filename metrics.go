package mockapi

import (
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mockapi-go/mockapi/store"
)

// DefaultMetricsPath is where a Server serves its Prometheus metrics
// unless Options.MetricsPath says otherwise.
const DefaultMetricsPath = "/_metrics"

// Label values that stand for what has no bounded name of its own.
const (
	// metricsNoProject: the request was answered before a project was
	// found (an unknown project id, or one the store could not load).
	metricsNoProject = "(none)"
	// metricsUnmatched: the request matched no operation of its project.
	metricsUnmatched = "(unmatched)"
	// metricsOther: past maxSeries, or a name that is not a valid label.
	metricsOther = "(other)"
)

// maxSeries bounds the (project, operation) pairs the request metrics
// keep apart; later pairs share one "(other)" series. Projects are bounded
// by the store and operations by their descriptions, but a project that is
// deleted, or a description that is replaced, leaves its series behind
// until the process restarts.
const maxSeries = 10_000

// latencyBuckets suit a mock: most answers take well under a millisecond,
// a few are delayed on purpose by seconds.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

var statusClasses = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

// metrics are a Server's Prometheus collectors, in a registry of its own:
// two Servers in one process do not share (or clash over) a series.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec   // project, operation, class
	latency  *prometheus.HistogramVec // project
	handler  http.Handler

	// Answers of an upstream (mock.WithUpstream), and of the mock after
	// it could not answer; upstream answers that drifted from the spec.
	upstream, fallback, drift prometheus.Counter

	// The label children already made, so that a request looks its
	// series up in a map instead of hashing label values each time.
	mu        sync.RWMutex
	series    map[seriesKey]*series
	latencies map[string]prometheus.Observer // by project
}

type seriesKey struct{ project, operation string }

type series struct {
	key     seriesKey
	byClass [len(statusClasses)]prometheus.Counter // made at first use
	latency prometheus.Observer
}

func newMetrics(rec *recorder) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mockapi_requests_total",
			Help: "Requests to mock projects (at the root, /p/{id}/ and share links), by project, operationId and status class. " +
				`project="(none)": answered before a project was found; operation="(unmatched)": no operation matched.`,
		}, []string{"project", "operation", "class"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mockapi_request_duration_seconds",
			Help:    "Time to answer a request to a mock project, by project.",
			Buckets: latencyBuckets,
		}, []string{"project"}),
		series:    map[seriesKey]*series{},
		latencies: map[string]prometheus.Observer{},
	}
	answers := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mockapi_upstream_answers_total",
		Help: `Requests a real API behind the mock (mock/proxy, -upstream) was asked, by who answered: source="upstream" or "fallback" (the mock, after the upstream could not).`,
	}, []string{"source"})
	m.upstream, m.fallback = answers.WithLabelValues("upstream"), answers.WithLabelValues("fallback")
	m.drift = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mockapi_upstream_drift_total",
		Help: "Upstream answers that disagreed with the API description; the request log says how (?drift=true).",
	})
	m.reg.MustRegister(answers, m.drift)
	m.reg.MustRegister(m.requests, m.latency,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mockapi_request_log_queue_depth",
			Help: "Request-log entries waiting to be written to the store.",
		}, func() float64 { return float64(rec.queued()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "mockapi_request_log_queue_capacity",
			Help: "The most request-log entries that may wait (Options.LogQueue); a full queue drops entries.",
		}, func() float64 { return float64(rec.size) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "mockapi_request_log_dropped_total",
			Help: "Request-log entries dropped because the queue was full or shutdown ran out of time.",
		}, func() float64 { return float64(rec.dropped.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "mockapi_request_log_failed_total",
			Help: "Request-log entries the store refused to append.",
		}, func() float64 { return float64(rec.failed.Load()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	return m
}

// observe counts one answered request. Once a (project, operation, class)
// has been seen it takes a read lock, a map look-up and two atomic
// updates: no allocation.
func (m *metrics) observe(project, operation string, status int, took time.Duration) {
	if operation == "" {
		operation = metricsUnmatched
	}
	class := status/100 - 1
	if class < 0 || class >= len(statusClasses) {
		class = len(statusClasses) - 1 // not HTTP: count it with the server errors
	}
	k := seriesKey{project, operation}
	m.mu.RLock()
	s := m.series[k]
	var c prometheus.Counter
	if s != nil {
		c = s.byClass[class]
	}
	m.mu.RUnlock()
	if c == nil {
		s, c = m.add(k, class)
	}
	c.Inc()
	s.latency.Observe(took.Seconds())
}

// observeUpstream counts who answered a request the upstream was asked.
func (m *metrics) observeUpstream(source string, drift bool) {
	switch source {
	case "upstream":
		m.upstream.Inc()
	case "fallback":
		m.fallback.Inc()
	}
	if drift {
		m.drift.Inc()
	}
}

// add makes the series of k and class, or finds the one made meanwhile.
func (m *metrics) add(k seriesKey, class int) (*series, prometheus.Counter) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.series[k]
	if s == nil {
		label := k
		if len(m.series) >= maxSeries || !utf8.ValidString(k.project) || !utf8.ValidString(k.operation) {
			label = seriesKey{metricsOther, metricsOther}
			if s = m.series[label]; s != nil {
				// Not remembered under k: the map stays bounded.
				return s, m.counter(s, class)
			}
		}
		s = &series{key: label, latency: m.latencies[label.project]}
		if s.latency == nil {
			s.latency = m.latency.WithLabelValues(label.project)
			m.latencies[label.project] = s.latency
		}
		m.series[label] = s
	}
	return s, m.counter(s, class)
}

// counter returns s's counter of the class, making it if need be; m.mu is
// held for writing.
func (m *metrics) counter(s *series, class int) prometheus.Counter {
	if s.byClass[class] == nil {
		s.byClass[class] = m.requests.WithLabelValues(s.key.project, s.key.operation, statusClasses[class])
	}
	return s.byClass[class]
}

// record counts e and hands it to the request log: every request that
// reached a project goes through here, at the root, at /p/{id}/ and
// through a share link.
func (s *Server) record(e store.Entry) {
	s.ops.metrics.observe(e.Project, e.Operation, e.Status, e.Latency)
	if e.Source != "" {
		s.ops.metrics.observeUpstream(e.Source, e.Drift != "")
	}
	s.rec.Record(e)
}

// unserved counts a request answered before a project was found. It is
// not logged: the request log is kept by project.
func (s *Server) unserved(status int, start time.Time) {
	s.ops.metrics.observe(metricsNoProject, metricsUnmatched, status, time.Since(start))
}

// Metrics returns the registry holding the Server's Prometheus metrics,
// which it also serves at Options.MetricsPath: an application that serves
// metrics of its own can gather these with them (prometheus.Gatherers) or
// register its collectors here. The registry is the Server's own, never
// prometheus.DefaultRegisterer.
//
// The series are:
//
//   - mockapi_requests_total{project, operation, class}: requests to mock
//     projects by project id, operationId and status class ("2xx"...).
//     operation is "(unmatched)" when no operation matched; project is
//     "(none)" when the request was answered before a project was found
//     (an unknown id, a store that did not answer); past 10,000 pairs of
//     project and operation, new ones are counted under "(other)".
//   - mockapi_request_duration_seconds{project}: a histogram of the time
//     to answer them.
//   - mockapi_upstream_answers_total{source} and
//     mockapi_upstream_drift_total: with a real API behind the mock
//     (mock.WithUpstream), the requests it answered (source="upstream")
//     or the mock answered after it could not ("fallback"), and its
//     answers that disagreed with the description.
//   - mockapi_request_log_queue_depth and _queue_capacity: request-log
//     entries waiting to be written, and the most that may wait.
//   - mockapi_request_log_dropped_total and _failed_total: entries lost
//     to a full queue (or a shutdown out of time), and to store errors.
//   - the Go runtime's and the process's (go_*, process_*).
//
// The management API, the probes and the metrics endpoint itself are not
// counted.
func (s *Server) Metrics() *prometheus.Registry { return s.ops.metrics.reg }

// queued is how many entries wait to be written.
func (r *recorder) queued() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}
