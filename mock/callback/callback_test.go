package callback

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpand(t *testing.T) {
	src := &Source{
		URL: "http://mock.local/orders?x=1", Method: "POST",
		Header: http.Header{"X-Trace": {"t-1"}}, Query: url.Values{"limit": {"5"}},
		Path: map[string]string{"id": "42"}, Body: []byte(`{"callbackUrl":"https://hooks.example.com/cb","n":7,"a/b":{"c":[true]}}`),
		Status: 201, ResponseHeader: http.Header{"Location": {"/orders/9"}}, ResponseBody: []byte(`{"id":9,"name":"x"}`),
	}
	for _, tc := range []struct {
		key, want, err string
	}{
		{key: "{$request.body#/callbackUrl}", want: "https://hooks.example.com/cb"},
		{key: "$request.body#/callbackUrl", want: "https://hooks.example.com/cb"},
		{key: "https://h.example.com/o/{$response.body#/id}?n={$request.body#/n}", want: "https://h.example.com/o/9?n=7"},
		{key: "{$request.body#/a~1b/c/0}", want: "true"},
		{key: "{$request.body#/a~1b}", want: `{"c":[true]}`},
		{key: "{$url}|{$method}|{$statusCode}", want: "http://mock.local/orders?x=1|POST|201"},
		{key: "{$request.header.x-trace}/{$request.query.limit}/{$request.path.id}", want: "t-1/5/42"},
		{key: "{$response.header.Location}", want: "/orders/9"},
		{key: "{$request.body#/missing}", err: "no such value"},
		{key: "{$request.query.none}", err: "no such value"},
		{key: "{$response.query.x}", err: "not a source"},
		{key: "{$env.HOME}", err: "not a runtime expression"},
		{key: "https://x/{notexpr}", err: "not a runtime expression"},
		{key: "https://x/{$url", err: "not closed"},
	} {
		got, err := Expand(tc.key, src)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.key)
			continue
		}
		require.NoError(t, err, tc.key)
		assert.Equal(t, tc.want, got, tc.key)
	}
}

// receiver records what it gets and answers with the statuses given, in
// turn (the last one repeated).
type receiver struct {
	mu       sync.Mutex
	got      []string
	statuses []int
	srv      *httptest.Server
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Content-Type")+" "+string(b))
		st := http.StatusNoContent
		if len(rc.statuses) > 0 {
			st = rc.statuses[min(n, len(rc.statuses)-1)]
		}
		rc.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.got...)
}

func newDispatcher(t *testing.T, o Options) *Dispatcher {
	t.Helper()
	d, err := New(o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func TestDelivery(t *testing.T) {
	rc := newReceiver(t)
	d := newDispatcher(t, Options{AllowPrivate: true})
	d.Send(Request{Operation: "createOrder", Callback: "onShipped", Method: "POST", URL: rc.srv.URL + "/hook?id=9",
		Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":9}`)})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := d.Await(ctx, func(e Delivery) bool { return e.Callback == "onShipped" })
	require.NoError(t, err)
	assert.True(t, got.OK(), "%+v", got)
	assert.Equal(t, http.StatusNoContent, got.Status)
	assert.Equal(t, "createOrder", got.Operation)
	assert.Equal(t, 1, got.Attempt)
	assert.Equal(t, []string{`POST /hook?id=9 application/json {"id":9}`}, rc.requests())
}

func TestRetriesAndRepeats(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		o        Options
		attempts []int // Attempt of each journal entry
		sent     int
	}{
		{"no retries", []int{500}, Options{}, []int{1}, 1},
		{"retried until it works", []int{503, 429, 200}, Options{Retries: 5}, []int{1, 2, 3}, 3},
		{"retries run out", []int{500}, Options{Retries: 2}, []int{1, 2, 3}, 3},
		{"a 4xx is not retried", []int{404}, Options{Retries: 3}, []int{1}, 1},
		{"repeated", []int{200}, Options{Repeat: 3}, []int{1, 1, 1}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := newReceiver(t, tc.statuses...)
			o := tc.o
			o.AllowPrivate, o.RetryWait = true, time.Millisecond
			d := newDispatcher(t, o)
			d.Send(Request{Method: "POST", URL: rc.srv.URL + "/cb"})
			require.NoError(t, d.Wait(t.Context()))
			var attempts []int
			for _, e := range d.Deliveries() {
				attempts = append(attempts, e.Attempt)
			}
			assert.Equal(t, tc.attempts, attempts)
			assert.Len(t, rc.requests(), tc.sent)
		})
	}
}

func TestRefusedDestinations(t *testing.T) {
	rc := newReceiver(t)
	for _, tc := range []struct {
		name string
		o    Options
		url  string
		want string
	}{
		{"loopback without AllowPrivate", Options{}, rc.srv.URL + "/x", "refused"},
		{"metadata address", Options{}, "http://169.254.169.254/latest/meta-data", "refused"},
		{"not in Hosts", Options{Hosts: []string{"hooks.example.com"}}, "https://other.example.com/x", "refused"},
		{"not http", Options{AllowPrivate: true}, "file:///etc/passwd", "refused"},
		{"a name resolving to loopback", Options{Hosts: []string{"localhost"}}, strings.Replace(rc.srv.URL, "127.0.0.1", "localhost", 1), "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDispatcher(t, tc.o)
			d.Send(Request{Method: "POST", URL: tc.url})
			require.NoError(t, d.Wait(t.Context()))
			js := d.Deliveries()
			require.Len(t, js, 1, "refusals are journaled, and not retried")
			assert.Contains(t, js[0].Err, tc.want)
			assert.False(t, js[0].OK())
		})
	}
	assert.Empty(t, rc.requests(), "nothing reached the receiver")
}

func TestOptionsChecked(t *testing.T) {
	for _, o := range []Options{{Retries: -1}, {Retries: MaxRetries + 1}, {Repeat: MaxRepeat + 1}, {Delay: -time.Second},
		{Interval: MaxDelay + 1}, {Timeout: -1}, {Journal: MaxJournal + 1}, {Hosts: []string{"10.0.0.0/40"}}} {
		_, err := New(o)
		assert.Error(t, err, "%+v", o)
	}
}

// Close stops a delivery still waiting for its delay, and nothing is sent.
func TestCloseStopsWaitingDeliveries(t *testing.T) {
	rc := newReceiver(t)
	d, err := New(Options{AllowPrivate: true, Delay: MaxDelay})
	require.NoError(t, err)
	d.Send(Request{Method: "POST", URL: rc.srv.URL})
	done := make(chan struct{})
	go func() { _ = d.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop a waiting delivery")
	}
	assert.Empty(t, rc.requests())
	d.Send(Request{Method: "POST", URL: rc.srv.URL})
	js := d.Deliveries()
	require.Len(t, js, 1)
	assert.Contains(t, js[0].Err, "closed")
	assert.NoError(t, d.Close(), "a second Close is fine")
}

func TestMaxPendingAndJournalBound(t *testing.T) {
	var hits atomic.Int32
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-block
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(block) })
	d := newDispatcher(t, Options{AllowPrivate: true, MaxPending: 2, Journal: 2})
	for range 4 {
		d.Send(Request{Method: "POST", URL: srv.URL})
	}
	js := d.Deliveries()
	require.Len(t, js, 2, "two dropped, journal bounded to 2")
	for _, e := range js {
		assert.Contains(t, e.Err, "dropped")
	}
}

func TestAwaitTimesOut(t *testing.T) {
	d := newDispatcher(t, Options{})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := d.Await(ctx, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// The log line names the URL without its query, which may hold a secret;
// OnDelivery sees every attempt.
func TestLoggingKeepsSecretsOut(t *testing.T) {
	rc := newReceiver(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	var seen []Delivery
	d := newDispatcher(t, Options{AllowPrivate: true,
		Logger:     slog.New(slog.NewTextHandler(&syncWriter{w: &buf, mu: &mu}, nil)),
		OnDelivery: func(e Delivery) { mu.Lock(); seen = append(seen, e); mu.Unlock() }})
	d.Send(Request{Method: "POST", URL: rc.srv.URL + "/cb?token=s3cret", Header: http.Header{"Authorization": {"Bearer s3cret"}}})
	require.NoError(t, d.Wait(t.Context()))
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, buf.String(), "/cb")
	assert.NotContains(t, buf.String(), "s3cret")
	require.Len(t, seen, 1)
	assert.Equal(t, http.StatusNoContent, seen[0].Status)
}

type syncWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}
