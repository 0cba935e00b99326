// Package callback delivers the requests of OpenAPI callbacks: after an
// operation that declares callbacks answers, the mock (mock.WithCallbacks)
// hands a Dispatcher one Request per callback, with the URL its runtime
// expression names ("{$request.body#/callbackUrl}") and a body generated
// from, and valid against, the callback's request schema. The Dispatcher
// sends it in the background, after a delay, as often as asked, retrying
// failures, and journals every attempt (Deliveries, Await, and
// Options.OnDelivery for a request log).
//
// Outbound calls are guarded against server-side request forgery: a
// destination with a loopback, private, link-local or other non-public
// address is refused, when the URL names it and again when the connection
// is made, unless Options.AllowPrivate or Options.Hosts allows it. A
// Dispatcher follows no redirect and reads at most 64 KiB of an answer.
package callback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/mockapi-go/mockapi/internal/egress"
)

// Bounds on Options.
const (
	MaxRetries = 10
	MaxRepeat  = 100
	MaxDelay   = 10 * time.Minute
	MaxJournal = 100_000
)

// Options configures a Dispatcher. The zero value sends each callback
// once, at once, to public addresses only, without retries.
type Options struct {
	// Hosts, when not empty, are the only destinations: host names
	// ("hooks.example.com"), "*.example.com" for subdomains, IP addresses
	// or CIDR prefixes. An address or prefix named here is allowed even
	// when it is private.
	Hosts []string
	// AllowPrivate allows loopback, private and link-local destinations
	// (a test's httptest server on 127.0.0.1).
	AllowPrivate bool
	// Delay is waited before a callback's first attempt (at most MaxDelay).
	Delay time.Duration
	// Repeat sends each callback this many times (default 1, at most
	// MaxRepeat), Interval apart.
	Repeat   int
	Interval time.Duration
	// Retries is how many more attempts a delivery gets after a failure
	// (no answer, 408, 429 or 5xx), at most MaxRetries; RetryWait is the
	// first wait between attempts (default 500 ms), doubled each time, at
	// most 30 s.
	Retries   int
	RetryWait time.Duration
	// Timeout bounds each attempt (default 10 s).
	Timeout time.Duration
	// MaxPending bounds the callbacks waiting or in flight (default 256);
	// beyond it a callback is dropped, and journaled as such.
	MaxPending int
	// Journal is how many deliveries Deliveries keeps, oldest dropped
	// first (default 1,000, at most MaxJournal).
	Journal int
	// OnDelivery, when set, is called after each attempt, from the
	// delivering goroutine: keep it short.
	OnDelivery func(Delivery)
	// Logger receives one line per attempt (method, URL without its
	// query, status, latency); nil logs nothing. Bodies and headers are
	// never logged.
	Logger *slog.Logger
	// Client replaces the HTTP client, for tests that need their own
	// transport. Its destinations are then not checked: it bypasses
	// Hosts and AllowPrivate.
	Client *http.Client
}

// A Request is one callback to deliver.
type Request struct {
	Operation string // the operationId whose answer fired the callback
	Callback  string // the callback's name in that operation ("onEvent")
	Method    string
	URL       string
	Header    http.Header
	Body      []byte
}

// A Delivery is the journal entry of one attempt to deliver a Request.
type Delivery struct {
	Operation string
	Callback  string
	Method    string
	URL       string
	Repeat    int // which of Options.Repeat sends, from 1
	Attempt   int // which attempt of that send, from 1
	Time      time.Time
	Status    int           // the answer's status; 0 when none came
	Latency   time.Duration // until the answer's headers, or the failure
	Err       string        // why no answer came, or why nothing was sent
}

// OK reports a delivery answered with a 2xx status.
func (d Delivery) OK() bool { return d.Err == "" && d.Status >= 200 && d.Status < 300 }

// A Dispatcher delivers callbacks in the background. It is safe for
// concurrent use. Close it to stop deliveries still waiting.
type Dispatcher struct {
	o      Options
	policy egress.Policy
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	sem    chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	journal []Delivery
	changed chan struct{} // closed and replaced on each journal entry
}

// Validate refuses options out of their bounds, or Hosts that are not
// host names, addresses or CIDR prefixes.
func (o Options) Validate() error {
	switch {
	case o.Retries < 0 || o.Retries > MaxRetries:
		return fmt.Errorf("callback: Retries %d is not in 0..%d", o.Retries, MaxRetries)
	case o.Repeat < 0 || o.Repeat > MaxRepeat:
		return fmt.Errorf("callback: Repeat %d is not in 0..%d", o.Repeat, MaxRepeat)
	case o.Delay < 0 || o.Delay > MaxDelay || o.Interval < 0 || o.Interval > MaxDelay:
		return fmt.Errorf("callback: Delay and Interval must be within 0..%s", MaxDelay)
	case o.Timeout < 0 || o.RetryWait < 0 || o.MaxPending < 0 || o.Journal < 0 || o.Journal > MaxJournal:
		return errors.New("callback: Timeout, RetryWait, MaxPending and Journal cannot be negative; Journal is at most 100,000")
	}
	if err := (egress.Policy{Hosts: o.Hosts}).Check(); err != nil {
		return fmt.Errorf("callback: Hosts: %w", err)
	}
	return nil
}

// New checks the options (Validate) and returns a Dispatcher.
func New(o Options) (*Dispatcher, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	policy := egress.Policy{Hosts: o.Hosts, AllowPrivate: o.AllowPrivate}
	o.Repeat = max(o.Repeat, 1)
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.RetryWait == 0 {
		o.RetryWait = 500 * time.Millisecond
	}
	if o.MaxPending == 0 {
		o.MaxPending = 256
	}
	if o.Journal == 0 {
		o.Journal = 1000
	}
	d := &Dispatcher{o: o, policy: policy, client: o.Client, sem: make(chan struct{}, o.MaxPending),
		changed: make(chan struct{})}
	if d.client == nil {
		d.client = policy.Client(o.Timeout)
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// Send schedules r and returns at once. A URL that is not http(s), or
// that names a destination the options refuse, is journaled as a failed
// delivery and not sent; so is a Request sent to a closed Dispatcher or
// beyond Options.MaxPending.
func (d *Dispatcher) Send(r Request) {
	u, err := url.Parse(r.URL)
	if err == nil && d.o.Client == nil {
		err = d.policy.CheckURL(u)
	}
	if err != nil {
		d.note(r, 1, 1, time.Now(), 0, 0, err.Error())
		return
	}
	d.mu.Lock()
	closed := d.closed
	if !closed {
		d.wg.Add(1)
	}
	d.mu.Unlock()
	if closed {
		d.note(r, 1, 1, time.Now(), 0, 0, "the dispatcher is closed")
		return
	}
	select {
	case d.sem <- struct{}{}:
	default:
		d.wg.Done()
		d.note(r, 1, 1, time.Now(), 0, 0, fmt.Sprintf("dropped: %d callbacks are already pending", d.o.MaxPending))
		return
	}
	go func() {
		defer d.wg.Done()
		defer func() { <-d.sem }()
		d.deliver(r)
	}()
}

// Refuse journals r as not delivered because of err, for a caller that
// could not build it (a runtime expression without a value, a body that
// breaks its schema). Nothing is sent.
func (d *Dispatcher) Refuse(r Request, err error) {
	d.note(r, 1, 1, time.Now(), 0, 0, "not sent: "+err.Error())
}

func (d *Dispatcher) deliver(r Request) {
	if !sleep(d.ctx, d.o.Delay) {
		return
	}
	for rep := 1; rep <= d.o.Repeat; rep++ {
		if rep > 1 && !sleep(d.ctx, d.o.Interval) {
			return
		}
		wait := d.o.RetryWait
		for attempt := 1; attempt <= d.o.Retries+1; attempt++ {
			if attempt > 1 {
				if !sleep(d.ctx, wait) {
					return
				}
				wait = min(2*wait, 30*time.Second)
			}
			if !d.attempt(r, rep, attempt) {
				break
			}
		}
	}
}

// attempt sends r once and reports whether it is worth retrying.
func (d *Dispatcher) attempt(r Request, rep, attempt int) (retry bool) {
	start := time.Now()
	req, err := http.NewRequestWithContext(d.ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		d.note(r, rep, attempt, start, 0, 0, err.Error())
		return false
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "mockapi-callback/1")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		if d.ctx.Err() != nil {
			return false // closing: not a delivery failure
		}
		d.note(r, rep, attempt, start, 0, time.Since(start), cleanErr(err))
		return !errors.Is(err, egress.ErrRefused)
	}
	lat := time.Since(start)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	d.note(r, rep, attempt, start, resp.StatusCode, lat, "")
	s := resp.StatusCode
	return s == http.StatusRequestTimeout || s == http.StatusTooManyRequests || s >= 500
}

// cleanErr drops the URL net/http puts in its errors: its query may carry
// a secret.
func cleanErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func (d *Dispatcher) note(r Request, rep, attempt int, at time.Time, status int, lat time.Duration, msg string) {
	e := Delivery{Operation: r.Operation, Callback: r.Callback, Method: r.Method, URL: r.URL, Repeat: rep,
		Attempt: attempt, Time: at, Status: status, Latency: lat, Err: msg}
	d.mu.Lock()
	if len(d.journal) >= d.o.Journal {
		n := copy(d.journal, d.journal[len(d.journal)-d.o.Journal+1:])
		d.journal = d.journal[:n]
	}
	d.journal = append(d.journal, e)
	close(d.changed)
	d.changed = make(chan struct{})
	d.mu.Unlock()
	if l := d.o.Logger; l != nil {
		attrs := []any{"operation", e.Operation, "callback", e.Callback, "method", e.Method, "url", redact(e.URL),
			"status", e.Status, "latency", e.Latency, "attempt", e.Attempt}
		if msg != "" {
			l.Warn("mockapi: callback not delivered", append(attrs, "err", msg)...)
		} else {
			l.Info("mockapi: callback", attrs...)
		}
	}
	if d.o.OnDelivery != nil {
		d.o.OnDelivery(e)
	}
}

// redact is a URL without its query, fragment and user information.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

// Deliveries returns the journal, oldest first.
func (d *Dispatcher) Deliveries() []Delivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Delivery(nil), d.journal...)
}

// Await waits until the journal holds a delivery match accepts (nil
// accepts any), and returns the first such, or ctx's error.
func (d *Dispatcher) Await(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	seen := 0
	for {
		d.mu.Lock()
		for _, e := range d.journal[min(seen, len(d.journal)):] {
			if match == nil || match(e) {
				d.mu.Unlock()
				return e, nil
			}
		}
		seen = len(d.journal)
		ch := d.changed
		d.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Delivery{}, fmt.Errorf("callback: no matching delivery: %w", ctx.Err())
		}
	}
}

// Wait returns when no callback is pending, or with ctx's error.
func (d *Dispatcher) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops deliveries still waiting or in flight and waits for their
// goroutines. Later Sends are journaled as failed. It is safe to call more
// than once.
func (d *Dispatcher) Close() error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
	if tr, ok := d.client.Transport.(*http.Transport); ok && d.o.Client == nil {
		tr.CloseIdleConnections()
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
