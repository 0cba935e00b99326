// Package egress makes the HTTP clients mockapi calls out with (callbacks,
// webhooks) refuse destinations they are not allowed to reach, against
// server-side request forgery: a request that names a loopback, private,
// link-local or otherwise non-public address is refused unless the policy
// allows it, and the address is checked when the connection is made, after
// DNS resolution, so a name that resolves to a private address is refused
// too (DNS rebinding included).
package egress

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrRefused is wrapped by the errors of destinations a Policy refuses.
var ErrRefused = errors.New("destination refused")

// Policy says where outbound calls may go. The zero Policy allows any
// public address and nothing else.
type Policy struct {
	// Hosts, when not empty, are the only destinations: host names
	// ("hooks.example.com"), a leading wildcard for subdomains
	// ("*.example.com"), IP addresses or CIDR prefixes ("10.0.0.0/8").
	// An address or prefix named here is allowed even when it is private.
	Hosts []string
	// AllowPrivate allows loopback, private, link-local and other
	// non-public addresses anywhere Hosts allows (tests calling an
	// httptest server on 127.0.0.1 need it).
	AllowPrivate bool
}

// blocked are the special-purpose ranges that are not public unicast
// addresses, beyond what netip's predicates name.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 reaches IPv4 addresses
	netip.MustParsePrefix("2001:db8::/32"),
}

// Public reports whether a is a public unicast address.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() ||
		a.IsLinkLocalUnicast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Check validates a policy's Hosts.
func (p Policy) Check() error {
	for _, h := range p.Hosts {
		if _, _, err := parseHost(h); err != nil {
			return err
		}
	}
	return nil
}

func parseHost(h string) (netip.Prefix, string, error) {
	h = strings.TrimSpace(strings.ToLower(h))
	if strings.Contains(h, "/") {
		pr, err := netip.ParsePrefix(h)
		if err != nil {
			return netip.Prefix{}, "", fmt.Errorf("egress: %q is not a CIDR prefix", h)
		}
		return pr.Masked(), "", nil
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), "", nil
	}
	name := strings.TrimPrefix(h, "*.")
	if name == "" || strings.ContainsAny(name, " :*@") {
		return netip.Prefix{}, "", fmt.Errorf("egress: %q is not a host name, address or prefix", h)
	}
	return netip.Prefix{}, h, nil
}

// CheckURL refuses a URL that is not http or https, carries credentials,
// or names a host the policy does not allow. The address a name resolves
// to is checked later, when the client connects.
func (p Policy) CheckURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: %q is not an http or https URL", ErrRefused, u.Redacted())
	}
	if u.User != nil {
		return fmt.Errorf("%w: the URL carries credentials", ErrRefused)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return fmt.Errorf("%w: the URL has no host", ErrRefused)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if len(p.Hosts) > 0 && !p.inPrefixes(a) || !p.addrAllowed(a) {
			return fmt.Errorf("%w: %s is not an address outbound calls may reach", ErrRefused, a)
		}
		return nil
	}
	if len(p.Hosts) == 0 {
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			if !p.AllowPrivate {
				return fmt.Errorf("%w: %s is a loopback name", ErrRefused, host)
			}
		}
		return nil
	}
	for _, h := range p.Hosts {
		_, name, err := parseHost(h)
		if err != nil || name == "" {
			continue
		}
		if name == host || strings.HasPrefix(name, "*.") && strings.HasSuffix(host, name[1:]) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s is not among the allowed hosts", ErrRefused, host)
}

// inPrefixes reports whether Hosts names a or a prefix holding it.
func (p Policy) inPrefixes(a netip.Addr) bool {
	for _, h := range p.Hosts {
		if pr, name, err := parseHost(h); err == nil && name == "" && pr.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// addrAllowed reports whether a connection to a may be made: a public
// address (within Hosts' prefixes when Hosts names any), or a private one
// the policy allows.
func (p Policy) addrAllowed(a netip.Addr) bool {
	a = a.Unmap()
	named, prefixes := false, false
	for _, h := range p.Hosts {
		pr, name, err := parseHost(h)
		if err != nil {
			continue
		}
		if name != "" {
			named = true
			continue
		}
		prefixes = true
		if pr.Contains(a) {
			return true // named explicitly: allowed even when private
		}
	}
	if prefixes && !named {
		return false // only the prefixes given
	}
	return Public(a) || p.AllowPrivate
}

// Client returns an HTTP client that dials only addresses the policy
// allows, gives up on an attempt after timeout, and does not follow
// redirects (the first response is the answer).
func (p Policy) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{
		Timeout: min(timeout, 10*time.Second),
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrRefused, address)
			}
			if !p.addrAllowed(ap.Addr()) {
				return fmt.Errorf("%w: %s is not an address outbound calls may reach", ErrRefused, ap.Addr())
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:                 nil, // an environment proxy would hide the destination
		DialContext:           d.DialContext,
		MaxIdleConns:          32,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
