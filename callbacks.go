package mockapi

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/internal/egress"
	"github.com/mockapi-go/mockapi/mock/callback"
	"github.com/mockapi-go/mockapi/store"
)

// Callbacks lets a project's operations fire the OpenAPI callbacks they
// declare (mock.WithCallbacks), to the destinations Hosts names. A
// project without Callbacks (the default) makes no outbound call. Each
// delivery is written to the request log: the operation as
// "createOrder/callbacks/onShipped", the method, the URL without its
// query, the status (0 when no answer came) and the latency.
//
// JSON (the project's "callbacks" setting):
//
//	{"hosts": ["hooks.example.com", "*.example.org"], "retries": 2,
//	 "delay": "1s", "repeat": 1, "interval": "0s"}
type Callbacks struct {
	// Hosts are the only destinations: host names, "*.example.com" for
	// subdomains, or IP addresses and CIDR prefixes. Names must resolve
	// to public addresses; loopback, private and link-local addresses are
	// refused unless the Server allows them (Options.AllowPrivateCallbacks),
	// and only then may Hosts name them. At least one is required.
	Hosts []string
	// Retries, Delay, Repeat and Interval are callback.Options'.
	Retries  int
	Delay    time.Duration
	Repeat   int
	Interval time.Duration
}

func (c *Callbacks) isZero() bool {
	return c == nil || len(c.Hosts) == 0 && c.Retries == 0 && c.Delay == 0 && c.Repeat == 0 && c.Interval == 0
}

// MaxCallbackHosts bounds Callbacks.Hosts.
const MaxCallbackHosts = 32

// Validate refuses Callbacks without hosts, with a host that is not a
// name, address or prefix, or with options out of callback's bounds.
func (c *Callbacks) Validate() error {
	if c == nil {
		return nil
	}
	if len(c.Hosts) == 0 || len(c.Hosts) > MaxCallbackHosts {
		return invalidf("callbacks", nil, "hosts: name 1 to %d destinations (host names, *.domain, addresses or CIDR prefixes); null turns callbacks off", MaxCallbackHosts)
	}
	if err := c.options(false).Validate(); err != nil {
		return invalidf("callbacks", err, "%s", strings.TrimPrefix(err.Error(), "callback: "))
	}
	return nil
}

// privateHost returns the first host that names a non-public address or
// prefix, or "".
func (c *Callbacks) privateHost() string {
	if c == nil {
		return ""
	}
	for _, h := range c.Hosts {
		h = strings.TrimSpace(h)
		if p, err := netip.ParsePrefix(h); err == nil {
			if !egress.Public(p.Addr()) || !egress.Public(lastAddr(p)) {
				return h
			}
			continue
		}
		if a, err := netip.ParseAddr(h); err == nil && !egress.Public(a) {
			return h
		}
		if l := strings.ToLower(h); l == "localhost" || strings.HasSuffix(l, ".localhost") {
			return h
		}
	}
	return ""
}

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	p = p.Masked()
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func (c *Callbacks) options(allowPrivate bool) callback.Options {
	return callback.Options{Hosts: slices.Clone(c.Hosts), AllowPrivate: allowPrivate, Retries: c.Retries,
		Delay: c.Delay, Repeat: c.Repeat, Interval: c.Interval}
}

func (c *Callbacks) equal(o *Callbacks) bool {
	if c == nil || o == nil {
		return c == o
	}
	return slices.Equal(c.Hosts, o.Hosts) && c.Retries == o.Retries && c.Delay == o.Delay &&
		c.Repeat == o.Repeat && c.Interval == o.Interval
}

// callbacksDoc is Callbacks as JSON.
type callbacksDoc struct {
	Hosts    []string `json:"hosts"`
	Retries  int      `json:"retries,omitempty"`
	Delay    string   `json:"delay,omitempty"`
	Repeat   int      `json:"repeat,omitempty"`
	Interval string   `json:"interval,omitempty"`
}

func (c *Callbacks) doc() *callbacksDoc {
	if c == nil {
		return nil
	}
	d := &callbacksDoc{Hosts: slices.Clone(c.Hosts), Retries: c.Retries, Repeat: c.Repeat}
	if c.Delay > 0 {
		d.Delay = shortDuration(c.Delay)
	}
	if c.Interval > 0 {
		d.Interval = shortDuration(c.Interval)
	}
	return d
}

// callbacks reads and checks a callbacks object.
func (d *callbacksDoc) callbacks() (*Callbacks, error) {
	c := &Callbacks{Hosts: d.Hosts, Retries: d.Retries, Repeat: d.Repeat}
	for _, f := range []struct {
		name string
		raw  string
		dst  *time.Duration
	}{{"delay", d.Delay, &c.Delay}, {"interval", d.Interval, &c.Interval}} {
		if f.raw == "" {
			continue
		}
		v, err := time.ParseDuration(f.raw)
		if err != nil {
			return nil, invalidf("callbacks", err, "%s: %q is not a duration (\"1s\")", f.name, f.raw)
		}
		*f.dst = v
	}
	return c, c.Validate()
}

// checkCallbacks refuses Callbacks naming private destinations when the
// Server does not allow them.
func (s *Server) checkCallbacks(c *Callbacks) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if h := c.privateHost(); h != "" && !s.o.AllowPrivateCallbacks {
		return invalidf("callbacks", nil, "hosts: %s is a loopback, private or reserved destination, which this server does not allow (Options.AllowPrivateCallbacks, -callbacks-allow-private)", h)
	}
	return nil
}

// dispatcher makes the callback dispatcher of a compiled project, or nil
// when the project fires none. Its deliveries go to the request log.
func (s *Server) dispatcher(p *store.Project, c *Callbacks) (*callback.Dispatcher, error) {
	if c == nil {
		return nil, nil
	}
	o := c.options(s.o.AllowPrivateCallbacks)
	if !s.o.AllowPrivateCallbacks {
		// Stored before the Server stopped allowing them: drop them.
		o.Hosts = slices.DeleteFunc(o.Hosts, func(h string) bool { return (&Callbacks{Hosts: []string{h}}).privateHost() != "" })
		if len(o.Hosts) == 0 {
			return nil, nil
		}
	}
	project := p.ID
	o.OnDelivery = func(d callback.Delivery) {
		op := d.Operation + "/callbacks/" + d.Callback
		if d.Operation == "" {
			op = "webhooks/" + d.Callback // FireWebhook
		}
		s.record(store.Entry{Time: d.Time, Project: project, Operation: op,
			Method: d.Method, Path: redactURL(d.URL), Status: d.Status, Latency: d.Latency, UserAgent: "mockapi-callback/1"})
	}
	d, err := callback.New(o)
	if err != nil {
		return nil, fmt.Errorf("mockapi: project %s: callbacks: %w", p.ID, err)
	}
	return d, nil
}

// redactURL is a URL without its query, fragment and user information,
// which may carry secrets.
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		if at := strings.LastIndexByte(strings.SplitN(rest, "/", 2)[0], '@'); at >= 0 {
			raw = scheme + "://" + rest[at+1:]
		}
	}
	return raw
}
