package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// errPrivate refuses a call to an address that is not public.
var errPrivate = errors.New("proxy: the upstream address is not public (Options.AllowPrivate allows it)")

// sharedSpace is the carrier-grade NAT range (RFC 6598): not public either.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// public reports whether a is an address on the public internet: not
// loopback, private, link-local, multicast, unspecified or shared.
func public(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && !a.IsLoopback() && !a.IsPrivate() && !a.IsLinkLocalUnicast() &&
		!a.IsLinkLocalMulticast() && !a.IsInterfaceLocalMulticast() && !a.IsMulticast() &&
		!a.IsUnspecified() && !sharedSpace.Contains(a)
}

// newTransport is the proxy's own transport: bounded waits, no forward
// proxy, and, unless allowPrivate, a dialler that checks the address it is
// about to connect to, after name resolution, so no name (nor a rebinding
// one) reaches an internal address.
func newTransport(allowPrivate bool, timeout time.Duration) *http.Transport {
	d := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %q", errPrivate, address)
			}
			if !public(ap.Addr()) {
				return errPrivate
			}
			return nil
		}
	}
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    16,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    min(timeout, 10*time.Second),
		ResponseHeaderTimeout:  timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
}
