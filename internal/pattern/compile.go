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
	src    string
	re     *regexp.Regexp // nil matches everything
	checks []compiledCheck
	exact  bool
}

// compiledCheck is a lookaround RE2 can verify on the whole string (see
// check): the string must match re, or must not if neg.
type compiledCheck struct {
	re  *regexp.Regexp
	neg bool
}

func (c *compiledCheck) holds(b []byte) bool { return c.re.Match(b) != c.neg }

// MatchString reports whether s contains a match of the pattern (patterns
// are not implicitly anchored). It satisfies kin-openapi's
// openapi3.RegexMatcher interface.
func (r *Regexp) MatchString(s string) bool {
	if r == nil || r.re == nil {
		return true
	}
	if !r.re.MatchString(s) {
		return false
	}
	for i := range r.checks {
		if r.checks[i].re.MatchString(s) == r.checks[i].neg {
			return false
		}
	}
	return true
}

// Exact reports whether matching follows the ECMAScript semantics of the
// pattern. It is false when the pattern could not be expressed in RE2 and
// MatchString uses a more permissive approximation (or matches everything).
//
// Lookarounds at the ends of a pattern are exact: a lookahead right after
// a leading ^, such as the (?=.*\d) and (?!.*--) of
// ^(?=.*\d)(?!.*--).{8,}$, or a lookbehind right before a final $, such as
// the (?<!-) of ^[a-z-]+(?<!-)$, is evaluated at a fixed position, so
// MatchString checks it on the whole string with a separate RE2 expression
// (when its body is RE2-expressible and the pattern has no top-level
// alternation or inline flags). Other lookarounds are dropped and make the
// Regexp inexact.
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

	// genRe matches a subset of the pattern's strings when combined with
	// re.checks (equal to re.re for exact patterns; repeat counts above
	// 1000 capped at 1000); nil when Generate cannot use the pattern.
	genRe *regexp.Regexp

	checks []check // the source of re.checks

	genOnce sync.Once
	gen     *node    // nil when Generate cannot use the pattern
	steers  []*steer // per check, how to repair a failing one (or nil)

	looseOnce sync.Once
	loose     *entry // generates from the approximation (see Approximate)
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
			e.re.re, e.re.exact, e.genRe = re, true, re
			return e
		}
	}
	if err != nil && errors.Is(err, ErrSyntax) {
		e.err = err
		return e
	}
	sup, err := translate(pattern, modeSuper)
	if err != nil {
		return e
	}
	re, err := regexp.Compile(sup.out)
	if err != nil {
		return e
	}
	checks := make([]compiledCheck, len(sup.checks))
	for i, c := range sup.checks {
		cre, err := regexp.Compile(c.re)
		if err != nil {
			return e
		}
		checks[i] = compiledCheck{re: cre, neg: c.neg}
	}
	e.re.re, e.re.checks, e.re.exact = re, checks, !sup.inexact
	e.checks = sup.checks
	if e.re.exact {
		e.genRe = re
		return e
	}
	// Generation needs a subset: every lookaround verified (then the
	// checks are the same) and only repeat counts capped.
	if sub, err := translate(pattern, modeSub); err == nil && len(sub.checks) == len(sup.checks) {
		if gre, err := regexp.Compile(sub.out); err == nil {
			e.genRe = gre
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
