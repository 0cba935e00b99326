package proxy

import (
	"net/http"
	"strings"

	"github.com/mockapi-go/mockapi/mock"
)

// hopByHop are the headers of one connection (RFC 9110, section 7.6.1),
// never forwarded either way.
var hopByHop = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// removeHopByHop deletes the hop-by-hop headers, those Connection names
// included.
func removeHopByHop(h http.Header) {
	for _, v := range h.Values("Connection") {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopByHop {
		h.Del(name)
	}
}

// outboundHeader is what the upstream is sent: the client's headers,
// credentials included, without the hop-by-hop ones, the mock's own
// session header and Accept-Encoding (the transport asks for gzip itself
// and decodes it, so that the answer can be checked). Host is the
// upstream's: the request is made to its URL.
func outboundHeader(in http.Header) http.Header {
	h := in.Clone()
	removeHopByHop(h)
	h.Del(mock.SessionHeader)
	h.Del("Accept-Encoding")
	h.Del("Host")
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{""} // no Go-http-client of our own
	}
	return h
}

// copyHeader copies the upstream's answer headers to the client's, without
// the hop-by-hop ones, the length (set from the body read) and the CORS
// headers: every answer carries the mock's CORS policy, set already, and
// its Vary: Origin is kept beside the upstream's Vary.
func copyHeader(dst, src http.Header) {
	src = src.Clone()
	removeHopByHop(src)
	src.Del("Content-Length")
	for k, vs := range src {
		switch {
		case strings.HasPrefix(k, "Access-Control-"):
		case k == "Vary":
			dst[k] = append(dst[k], vs...)
		default:
			dst[k] = vs
		}
	}
}
