package mock

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// controls are what the client asked of the mock itself, through the
// Prism-compatible Prefer header or the __code / __example / __dynamic /
// __delay query parameters.
type controls struct {
	code    int
	example string
	dynamic int // 0 unset, 1 true, -1 false
	delay   time.Duration
	hasCode bool

	streamCount int           // Prefer: stream-count=N
	streamEvery time.Duration // Prefer: stream-interval=D

	fault            string // Prefer: fault=reset|timeout|truncate|STATUS
	faultOffContract bool   // Prefer: fault-off-contract=true
}

// controlParams are the query parameters that steer the mock; they never
// reach request validation.
var controlParams = [...]string{"__code", "__example", "__dynamic", "__delay"}

// readControls parses Prefer and the control query parameters. It returns
// the request's query without the control parameters when there were any.
func readControls(r *http.Request) (controls, string, bool) {
	var c controls
	for _, line := range r.Header.Values("Prefer") {
		for _, part := range strings.Split(line, ",") {
			for _, kv := range strings.Split(part, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
				c.set(strings.ToLower(strings.TrimSpace(k)), strings.Trim(strings.TrimSpace(v), `"`))
			}
		}
	}
	raw := r.URL.RawQuery
	if !strings.Contains(raw, "__") {
		return c, raw, false
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return c, raw, false
	}
	stripped := false
	for _, name := range controlParams {
		if v, ok := q[name]; ok {
			if len(v) > 0 {
				c.set(strings.TrimPrefix(name, "__"), v[0])
			}
			delete(q, name)
			stripped = true
		}
	}
	if !stripped {
		return c, raw, false
	}
	return c, q.Encode(), true
}

func (c *controls) set(k, v string) {
	switch k {
	case "code":
		if n, err := strconv.Atoi(v); err == nil && n >= 100 && n <= 599 {
			c.code, c.hasCode = n, true
		}
	case "example":
		c.example = v
	case "dynamic":
		if b, err := strconv.ParseBool(v); err == nil {
			if b {
				c.dynamic = 1
			} else {
				c.dynamic = -1
			}
		}
	case "fault":
		c.fault = v
	case "fault-off-contract":
		c.faultOffContract, _ = strconv.ParseBool(v)
	case "stream-count":
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			c.streamCount = n
		}
	case "stream-interval":
		if d, err := time.ParseDuration(v); err == nil && d >= 0 {
			c.streamEvery = max(d, time.Nanosecond) // 0: as fast as it writes
		}
	case "delay", "wait":
		if ms, err := strconv.Atoi(v); err == nil && ms > 0 {
			c.delay = time.Duration(ms) * time.Millisecond
		} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
			c.delay = d
		}
	}
}

// mediaRange is one entry of an Accept header.
type mediaRange struct {
	typ, sub string
	q        float64
}

// acceptAny is the range of an Accept header that accepts anything. It is
// shared: the ranges parseAccept returns are read, never changed.
var acceptAny = []mediaRange{{"*", "*", 1}}

// parseAccept reads an Accept header; an empty header accepts anything.
// The common headers, none and "*/*", cost no allocation.
func parseAccept(h string) []mediaRange {
	if h = strings.TrimSpace(h); h == "" || h == "*/*" {
		return acceptAny
	}
	var out []mediaRange
	for _, part := range strings.Split(h, ",") {
		fields := strings.Split(part, ";")
		t := strings.ToLower(strings.TrimSpace(fields[0]))
		if t == "" {
			continue
		}
		if t == "*" {
			t = "*/*"
		}
		typ, sub, ok := strings.Cut(t, "/")
		if !ok || typ == "" || sub == "" || strings.ContainsAny(typ+sub, " /") {
			continue
		}
		q := 1.0
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		out = append(out, mediaRange{typ, sub, q})
	}
	if len(out) == 0 {
		// Nothing in the header is a media range (specs that declare Accept
		// as a parameter get arbitrary strings from their clients): it is
		// disregarded, as RFC 9110 allows, rather than answered with 406.
		return acceptAny
	}
	return out
}

// negotiate picks the declared media type the client accepts best: each
// type gets the quality of the most specific range that covers it, the
// highest quality wins and ties go to the earlier type (media is in the
// handler's preference order). It returns nil when nothing fits.
func negotiate(accept string, media []*mediaPlan) *mediaPlan {
	ranges := parseAccept(accept)
	var best *mediaPlan
	bestQ := 0.0
	for _, mp := range media {
		q, spec := 0.0, -1
		for _, r := range ranges {
			if s, ok := matches(r, mp); ok && s > spec {
				q, spec = r.q, s
			}
		}
		if q > bestQ {
			best, bestQ = mp, q
		}
	}
	return best
}

// matches reports whether range r covers the media type and how specific
// the match is (2 exact, 1 subtype wildcard, 0 full wildcard).
func matches(r mediaRange, mp *mediaPlan) (int, bool) {
	switch {
	case r.typ == "*" && r.sub == "*":
		return 0, true
	case !strings.Contains(mp.declared, "/"):
		// Not a media type at all (VTEX declares "Promotion"): no Accept
		// can name it, so refusing with 406 would make the spec's mistake
		// the client's (#15). It fits any range, least specifically.
		return 0, true
	case r.typ == mp.typ && r.sub == "*":
		return 1, true
	case mp.typ == "*" || (mp.typ == r.typ && mp.sub == "*"):
		return 1, true
	case r.typ == mp.typ && r.sub == mp.sub:
		return 2, true
	case r.typ == mp.typ && strings.HasSuffix(mp.sub, "+"+r.sub):
		// Accept: application/json is happy with application/problem+json.
		return 1, true
	case r.typ == mp.typ && strings.HasSuffix(r.sub, "+"+mp.sub):
		// The other way round, least specifically: a client that asks for
		// a vendor JSON type (GitHub's descriptions make it send Accept:
		// application/vnd.github.machine-man-preview+json) reads plain
		// JSON, which is what the spec declares and the real API sends.
		return 0, true
	}
	return 0, false
}
