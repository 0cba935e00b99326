package mockapi

// The caller's address the request log keeps.

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddrs decides the address a request-log entry records.
type clientAddrs struct {
	off     bool           // Options.NoClientAddresses
	trusted []netip.Prefix // Options.TrustedProxies
}

// of returns the caller's address: the peer's, unless the peer is a
// trusted proxy; then the nearest address, walking the Forwarded (RFC
// 7239) or else X-Forwarded-For chain from the right, that is not itself a
// trusted proxy. What a client writes into those headers is never believed
// past the first untrusted hop, so it cannot choose its logged address.
// Empty when addresses are off or the peer's is not an IP address.
func (c *clientAddrs) of(r *http.Request) string {
	if c.off {
		return ""
	}
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return ""
	}
	if !c.trusts(peer) {
		return addrText(r.RemoteAddr, peer)
	}
	chain := forwardedFor(r.Header.Values("Forwarded"))
	if chain == nil {
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for part := range strings.SplitSeq(v, ",") {
				chain = append(chain, strings.TrimSpace(part))
			}
		}
	}
	addr := peer
	for i := len(chain) - 1; i >= 0; i-- {
		a, ok := parseAddr(chain[i])
		if !ok {
			break // "unknown", an obfuscated name, garbage: the last known hop stands
		}
		addr = a
		if !c.trusts(a) {
			break
		}
	}
	return addr.String()
}

// addrText is a.String() for the address a read from s by parseAddr,
// without an allocation when s (or its host part) already spells it, as a
// peer's "192.0.2.1:5000" does: the request path pays for no string.
func addrText(s string, a netip.Addr) string {
	host := s
	if h, _, err := net.SplitHostPort(s); err == nil {
		host = h
	}
	var buf [64]byte // the longest IPv6 text is 45 bytes
	if string(a.AppendTo(buf[:0])) == host {
		return host
	}
	return a.String()
}

func (c *clientAddrs) trusts(a netip.Addr) bool {
	for _, p := range c.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads "192.0.2.1", "192.0.2.1:80", "[2001:db8::1]:80" or
// "2001:db8::1", unmapping IPv4-in-IPv6 and dropping zones.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// forwardedFor lists the for= values of Forwarded headers, in order; nil
// when there are none.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			for pair := range strings.SplitSeq(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, val)
				}
			}
		}
	}
	return out
}
