package pattern

import (
	"errors"
	"regexp"
	"sync"
	"sync/atomic"
)

// Regexp matches strings against an ECMAScript pattern. It is safe for
// concurrent use.
type Regexp struct {
	src   string
	re    *regexp.Regexp // nil matches everything
	exact bool
}

// MatchString reports whether s contains a match of the pattern (patterns
// are not implicitly anchored). It satisfies kin-openapi's
// openapi3.RegexMatcher interface.
func (r *Regexp) MatchString(s string) bool {
	if r == nil || r.re == nil {
		return true
	}
	return r.re.MatchString(s)
}

// Exact reports whether matching follows the ECMAScript semantics of the
// pattern. It is false when the pattern could not be expressed in RE2 and
// MatchString uses a more permissive approximation (or matches everything).
func (r *Regexp) Exact() bool { return r != nil && r.exact }

// String returns the original ECMAScript pattern.
func (r *Regexp) String() string {
	if r == nil {
		return ""
	}
	return r.src
}

// entry is the cached state for one pattern.
type entry struct {
	re  *Regexp
	err error

	// generatable: Generate may use the approximate pattern, because it
	// only widened repeat counts RE2 cannot hold.
	generatable bool

	genOnce sync.Once
	gen     *node // nil when Generate cannot use the pattern
}

// maxCacheEntries bounds the pattern cache. When it is reached the cache is
// cleared, so hostile input cannot grow memory without bound.
const maxCacheEntries = 10000

var (
	cache     sync.Map // string -> *entry
	cacheSize atomic.Int64
)

func lookup(pattern string) *entry {
	if e, ok := cache.Load(pattern); ok {
		return e.(*entry)
	}
	e := newEntry(pattern)
	if cacheSize.Add(1) > maxCacheEntries {
		cache.Clear()
		cacheSize.Store(1)
	}
	if prev, loaded := cache.LoadOrStore(pattern, e); loaded {
		cacheSize.Add(-1)
		return prev.(*entry)
	}
	return e
}

func newEntry(pattern string) *entry {
	e := &entry{re: &Regexp{src: pattern}}
	out, err := Translate(pattern)
	if err == nil {
		if re, cerr := regexp.Compile(out); cerr == nil {
			e.re.re, e.re.exact = re, true
			return e
		}
	}
	if err != nil && errors.Is(err, ErrSyntax) {
		e.err = err
		return e
	}
	if out, _, widened, aerr := translateWidened(pattern, true); aerr == nil {
		if re, cerr := regexp.Compile(out); cerr == nil {
			e.re.re = re
			e.generatable = widened
		}
	}
	return e
}

// Compile returns a Regexp for an ECMAScript pattern. Results are cached
// (the cache is safe for concurrent use and bounded in size).
//
// When RE2 cannot express the pattern, Compile does not fail: it returns an
// approximate Regexp with Exact() == false that accepts a superset of the
// strings the pattern accepts (lookarounds dropped, backreferences replaced
// by the referenced group's sub-pattern, possessive quantifiers made
// greedy), or one that matches everything if even that fails. The error is
// non-nil (wrapping [ErrSyntax]) only for a pattern that is not a regular
// expression in ECMAScript terms either; the Regexp returned with it
// matches everything, so callers may ignore the error.
func Compile(pattern string) (*Regexp, error) {
	e := lookup(pattern)
	return e.re, e.err
}
