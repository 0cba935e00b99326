package auth

import (
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
)

// Inherit is the operation visibility that defers to the project's; an
// empty one means the same.
const Inherit store.Visibility = "inherit"

// ExtensionVisibility is the OpenAPI operation extension that sets an
// operation's visibility in the spec: "public", "private", "authenticated"
// or "inherit".
const ExtensionVisibility = "x-mock-visibility"

// Limit is a token-bucket rate limit: Requests per Per on average, in bursts
// of up to Burst (zero: Requests). The zero Limit means no limit; a negative
// Requests means no limit even where a default applies.
type Limit struct {
	Requests int
	Per      time.Duration
	Burst    int
}

func (l Limit) enabled() bool { return l.Requests > 0 && l.Per > 0 }

// rates returns the emission interval (at least 1ns) and the window a full
// bucket spans.
func (l Limit) rates() (interval, window time.Duration) {
	interval = max(l.Per/time.Duration(l.Requests), 1)
	return interval, interval * time.Duration(l.burst())
}

func (l Limit) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return l.Requests
}

// Policy says who may call one project's API. It must not change once
// passed to Guard.Protect; call Protect again with a new Policy instead.
type Policy struct {
	// Project is the project's id: keys scoped to projects must name it.
	Project string
	// Visibility of the project; empty means Private.
	Visibility store.Visibility
	// Operations overrides the visibility per operation id: Public, Private
	// or Authenticated; "" or Inherit defers to the x-mock-visibility
	// extension, then to Visibility.
	Operations map[string]store.Visibility
	// Document routes requests to their operations for per-operation rules
	// and x-mock-visibility; nil: only a match already in the request's
	// context (openapi.ContextWithMatch) is used.
	Document *openapi.Document
	// Owner is the user id of the project's owner; Team the team whose
	// members may call the private project. Empty: nobody by that route.
	Owner, Team string
	// AllowQueryToken accepts an apidogToken in the query string (off: only
	// headers and form bodies carry keys).
	AllowQueryToken bool
	// RateLimit applies per API key, per share link, per user or per client
	// address, in that order of preference. Zero: Options.RateLimit.
	RateLimit Limit
	// HideProject answers 404 NOT_FOUND instead of 401 or 403 when a
	// private project refuses a caller (no key, a bad key, a key for other
	// projects), so the project's existence is not revealed. Its public
	// operations are still served.
	HideProject bool
}

// OperationVisibility resolves the visibility of an operation: the Go
// override in Operations, then the x-mock-visibility extension, then the
// project's. A nil op has the project's visibility.
func (p *Policy) OperationVisibility(op *openapi.Operation) store.Visibility {
	if v, ok := p.ownVisibility(op); ok {
		return v
	}
	return p.projectVisibility()
}

func (p *Policy) projectVisibility() store.Visibility {
	v, _ := parseVisibility(string(p.Visibility))
	return v
}

// ownVisibility is the operation's own setting, if it has one. A value that
// is not a visibility (a typo) fails closed: private.
func (p *Policy) ownVisibility(op *openapi.Operation) (store.Visibility, bool) {
	if op == nil {
		return "", false
	}
	if v, ok := p.Operations[op.ID]; ok && !isInherit(string(v)) {
		v, _ = parseVisibility(string(v))
		return v, true
	}
	raw, present := op.Extension(ExtensionVisibility)
	if !present {
		return "", false
	}
	return extensionVisibility(raw)
}

// extensionVisibility reads a present x-mock-visibility value, as decoded
// from JSON or YAML. "inherit" or "" defers; any other value that is not a
// visibility, including null, a list, an object, a number or a boolean,
// fails closed: private.
func extensionVisibility(raw any) (store.Visibility, bool) {
	s, ok := raw.(string)
	if !ok {
		return store.Private, true
	}
	if isInherit(s) {
		return "", false
	}
	v, _ := parseVisibility(s)
	return v, true
}

func isInherit(s string) bool { return s == "" || strings.EqualFold(s, string(Inherit)) }

// parseVisibility accepts the three visibilities in any case; anything else
// is Private, and false.
func parseVisibility(s string) (store.Visibility, bool) {
	switch {
	case strings.EqualFold(s, string(store.Public)):
		return store.Public, true
	case strings.EqualFold(s, string(store.Private)):
		return store.Private, true
	case strings.EqualFold(s, string(store.Authenticated)):
		return store.Authenticated, true
	}
	return store.Private, false
}
