package mockapi

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/share"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/driver"
	"github.com/mockapi-go/mockapi/store/memory"
)

// scrape reads the Server's metrics endpoint as Prometheus would and
// parses the text exposition.
func scrape(t *testing.T, s *Server) map[string]*dto.MetricFamily {
	t.Helper()
	w := get(s, "/_metrics")
	require.Equal(t, 200, w.Code, w.Body.String())
	require.Contains(t, w.Header().Get("Content-Type"), "text/plain")
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(w.Body)
	require.NoError(t, err)
	return fams
}

// hasLabels says whether m carries every label in want.
func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// sumCounter adds the counters of the family that carry the labels.
func sumCounter(f *dto.MetricFamily, labels map[string]string) float64 {
	var n float64
	for _, m := range f.GetMetric() {
		if hasLabels(m, labels) {
			n += m.GetCounter().GetValue()
		}
	}
	return n
}

func gauge(t *testing.T, fams map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	f := fams[name]
	require.NotNil(t, f, name)
	require.Len(t, f.GetMetric(), 1)
	if g := f.GetMetric()[0].GetGauge(); g != nil {
		return g.GetValue()
	}
	return f.GetMetric()[0].GetCounter().GetValue()
}

// After a few requests the metrics hold one series per project,
// operationId and status class, a latency histogram per project, and
// nothing else of the requests: no path, no unknown project id.
func TestMetricsCountRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	s := newTestServer(t, st, nil)
	_, err := s.PutProject(ctx, "pets", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)
	token, _, err := share.NewRegistry(st.Links()).Create(ctx, "pets", share.LinkOptions{})
	require.NoError(t, err)

	requests := []struct {
		path string
		code int
	}{
		{"/p/pets/pets", 200},
		{"/p/pets/pets", 200},
		{"/p/pets/pets/1", 200},
		{"/p/pets/pets/1?__code=404", 404},
		{"/p/pets/no/such/route/123", 404},
		{"/p/pets/no/such/route/456", 404},
		{"/s/" + token + "/pets", 200},
		{"/p/unknown-project-abc/pets", 404},
		{"/secret-path-of-no-default-project", 404},
	}
	for _, r := range requests {
		require.Equal(t, r.code, get(s, r.path).Code, r.path)
	}
	fams := scrape(t, s)
	total := fams["mockapi_requests_total"]
	require.NotNil(t, total)
	tests := []struct {
		project, operation, class string
		want                      float64
	}{
		{"pets", "listPets", "2xx", 3}, // two at /p/pets/, one through the link
		{"pets", "getPet", "2xx", 1},
		{"pets", "getPet", "4xx", 1},
		{"pets", "(unmatched)", "4xx", 2},
		{"(none)", "(unmatched)", "4xx", 2},
		{"pets", "listPets", "5xx", 0},
	}
	for _, tt := range tests {
		labels := map[string]string{"project": tt.project, "operation": tt.operation, "class": tt.class}
		assert.Equal(t, tt.want, sumCounter(total, labels), "%v", labels)
	}
	assert.Len(t, total.GetMetric(), 5, "one series per project, operation and class seen")
	for _, m := range total.GetMetric() {
		for _, l := range m.GetLabel() {
			assert.NotContains(t, l.GetValue(), "/", "no path in a label")
			assert.NotContains(t, l.GetValue(), "unknown-project", "no unknown id in a label")
		}
	}

	latency := fams["mockapi_request_duration_seconds"]
	require.NotNil(t, latency)
	require.Equal(t, dto.MetricType_HISTOGRAM, latency.GetType())
	counts := map[string]uint64{}
	for _, m := range latency.GetMetric() {
		require.Len(t, m.GetLabel(), 1)
		counts[m.GetLabel()[0].GetValue()] = m.GetHistogram().GetSampleCount()
		assert.NotEmpty(t, m.GetHistogram().GetBucket())
	}
	assert.Equal(t, map[string]uint64{"pets": 7, "(none)": 2}, counts)

	for _, name := range []string{"mockapi_request_log_queue_depth", "mockapi_request_log_queue_capacity",
		"mockapi_request_log_dropped_total", "mockapi_request_log_failed_total", "go_goroutines"} {
		assert.Contains(t, fams, name)
	}
	assert.Equal(t, 10000.0, gauge(t, fams, "mockapi_request_log_queue_capacity"))
}

// Two Servers in one process keep their metrics apart.
func TestMetricsAreTheServers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := memory.New(), memory.New()
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	sa, sb := newTestServer(t, a, nil), newTestServer(t, b, nil)
	_, err := sa.PutProject(ctx, "default", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)
	for range 3 {
		require.Equal(t, 200, get(sa, "/pets").Code)
	}
	assert.Equal(t, 3.0, sumCounter(scrape(t, sa)["mockapi_requests_total"], nil))
	assert.Zero(t, sumCounter(scrape(t, sb)["mockapi_requests_total"], nil))
}

// blockedLog is a memory store whose request log holds every append
// until released, telling when the first one began.
type blockedLog struct {
	driver.Driver
	began   chan struct{}
	release chan struct{}
}

func (d *blockedLog) RequestLog() driver.RequestLog { return blockedAppend{d.Driver.RequestLog(), d} }

type blockedAppend struct {
	driver.RequestLog
	d *blockedLog
}

func (a blockedAppend) Append(ctx context.Context, entries ...driver.Entry) error {
	select {
	case a.d.began <- struct{}{}:
	default:
	}
	select {
	case <-a.d.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return a.RequestLog.Append(ctx, entries...)
}

// The request log's queue depth and dropped entries are visible while the
// store is slow.
func TestMetricsRequestLogQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := &blockedLog{Driver: memory.NewDriver(), began: make(chan struct{}, 1), release: make(chan struct{})}
	st := store.New(d)
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, LogQueue: 2})
	require.NoError(t, err)
	_, err = s.PutProject(ctx, "default", "Pets", []byte(petsSpec), store.Public)
	require.NoError(t, err)

	require.Equal(t, 200, get(s, "/pets").Code)
	select {
	case <-d.began: // the writer holds the first entry and waits
	case <-time.After(10 * time.Second):
		t.Fatal("the request log was not written")
	}
	for range 5 {
		require.Equal(t, 200, get(s, "/pets").Code)
	}
	fams := scrape(t, s)
	assert.Equal(t, 2.0, gauge(t, fams, "mockapi_request_log_queue_depth"))
	assert.Equal(t, 2.0, gauge(t, fams, "mockapi_request_log_queue_capacity"))
	assert.Equal(t, 3.0, gauge(t, fams, "mockapi_request_log_dropped_total"))

	close(d.release)
	require.NoError(t, s.Close())
	fams = scrape(t, s)
	assert.Zero(t, gauge(t, fams, "mockapi_request_log_queue_depth"))
	assert.Equal(t, 6.0, sumCounter(fams["mockapi_requests_total"], nil), "dropped from the log, still counted")
}

// Counting a request whose series exists allocates nothing.
func TestMetricsObserveAllocatesNothing(t *testing.T) {
	m := newMetrics(newRecorder(nil, 1, nil, retention{}))
	m.observe("pets", "listPets", 200, time.Millisecond)
	allocs := testing.AllocsPerRun(1000, func() { m.observe("pets", "listPets", 200, time.Millisecond) })
	assert.Zero(t, allocs)
}

// Past maxSeries, new pairs of project and operation share one series.
func TestMetricsSeriesAreBounded(t *testing.T) {
	t.Parallel()
	m := newMetrics(newRecorder(nil, 1, nil, retention{}))
	for i := range maxSeries + 50 {
		m.observe("p", "op"+string(rune('a'+i%26))+time.Duration(i).String(), 200, time.Millisecond)
	}
	m.observe("p", "bad\xffutf8", 500, time.Millisecond)
	assert.Len(t, m.series, maxSeries+1, "the pairs kept, and the one (other)")
	w := httptest.NewRecorder()
	m.handler.ServeHTTP(w, httptest.NewRequest("GET", "/_metrics", nil))
	require.Equal(t, 200, w.Code)
	assert.Contains(t, w.Body.String(), `mockapi_requests_total{class="2xx",operation="(other)",project="(other)"} 50`)
	assert.Contains(t, w.Body.String(), `mockapi_requests_total{class="5xx",operation="(other)",project="(other)"} 1`)
}

// BenchmarkMetricsObserve is what the metrics add to each request: a
// read-locked look-up of the series and two atomic updates.
func BenchmarkMetricsObserve(b *testing.B) {
	m := newMetrics(newRecorder(nil, 1, nil, retention{}))
	m.observe("pets", "listPets", 200, time.Millisecond)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.observe("pets", "listPets", 200, time.Millisecond)
		}
	})
}
