package pattern

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// Rand is the randomness Generate needs; *math/rand.Rand (as used by
// gofakeit's Faker.Rand) satisfies it. Intn must return a value in [0, n);
// out-of-range values are reduced modulo n.
type Rand interface{ Intn(n int) int }

const (
	// MaxMinLen is the largest minLen Generate accepts.
	MaxMinLen = 100000

	// inf stands for an unbounded length or count.
	inf = 1 << 30

	// maxPatternLen is the longest minimal match length Generate
	// supports; longer mandatory matches make it return false.
	maxPatternLen = 4096

	// slack is how far output may exceed max(minLen, 64, minimal match).
	slack = 256

	attempts = 10
)

// outputCap returns the maximum number of runes Generate produces for the
// given minLen and minimal match length of the pattern.
func outputCap(minLen, patMin int) int {
	c := 64
	if minLen > c {
		c = minLen
	}
	if patMin > c && patMin <= maxPatternLen {
		c = patMin
	}
	return c + slack
}

// Generate returns a random string that matches pattern and whose length in
// runes is within [minLen, maxLen] (maxLen < 0 means no upper bound), and
// true. It returns "", false when it cannot: the pattern is invalid or
// not expressible in RE2 (backreferences, lookarounds other than those
// [Regexp.Exact] accepts, possessive quantifiers, unknown properties),
// minLen exceeds [MaxMinLen], the bounds are incompatible with the pattern,
// or no candidate passed verification within a bounded number of attempts.
// Every returned string has been checked against the compiled pattern,
// including its lookarounds. Repeat counts above RE2's limit of 1000 are
// generated with at most 1000 repetitions.
//
// Output size is capped at max(minLen, 64, shortest match) + 256 runes.
// Generate is deterministic: the same pattern, bounds and sequence of
// r.Intn results give the same string. It is safe for concurrent use as
// long as r is.
func Generate(r Rand, pattern string, minLen, maxLen int) (string, bool) {
	return generate(lookup(pattern), r, minLen, maxLen)
}

// Approximate is [Generate] for a pattern that is not [Regexp.Exact]: it
// generates from the permissive approximation [Compile] matches with
// (lookarounds it cannot check dropped, backreferences replaced by their
// group), so the string matches the compiled Regexp but may miss the
// pattern's ECMAScript meaning. For an exact pattern it is Generate.
// Callers use it for a best-effort value when Generate fails.
func Approximate(r Rand, pattern string, minLen, maxLen int) (string, bool) {
	e := lookup(pattern)
	if s, ok := generate(e, r, minLen, maxLen); ok || e.re.exact || e.re.re == nil {
		return s, ok
	}
	e.looseOnce.Do(func() {
		e.loose = &entry{re: e.re, genRe: e.re.re, checks: e.checks}
	})
	return generate(e.loose, r, minLen, maxLen)
}

func generate(e *entry, r Rand, minLen, maxLen int) (string, bool) {
	if r == nil || minLen > MaxMinLen || maxLen >= 0 && maxLen < minLen {
		return "", false
	}
	if minLen < 0 {
		minLen = 0
	}
	n := e.generator()
	if n == nil {
		return "", false
	}
	hi := outputCap(minLen, n.lmin)
	if maxLen >= 0 && maxLen < hi {
		hi = maxLen
	}
	for _, st := range e.steers {
		// A string satisfying ^(?=X$) has a length X can match.
		if st != nil && st.whole {
			minLen, hi = max(minLen, st.lmin), min(hi, st.lmax)
		}
	}
	if n.lmin > hi || minLen > hi {
		return "", false
	}
	g := gen{r: r}
	size := 2*minInt(hi, 64) + 16
	if minLen > 64 {
		size = minLen + 64
	}
	g.b = make([]byte, 0, size)
	tries := attempts
	if len(e.steers) > 0 {
		// Lookaround checks reject some candidates.
		tries = 3 * attempts
	}
	// accept reports whether g.b, of a length within bounds, matches the
	// pattern, possibly after repairing g.b to satisfy its checks.
	accept := func() bool { return e.genRe.Match(g.b) && g.satisfy(e, hi) }
	for a := 0; a < tries; a++ {
		g.b, g.fail = g.b[:0], false
		cnt := g.emit(n, minLen, hi)
		if g.fail || cnt > hi || !e.genRe.Match(g.b) {
			continue
		}
		if cnt >= minLen {
			if g.satisfy(e, hi) {
				return string(g.b), true
			}
			continue
		}
		if s, ok := g.pad(accept, cnt, minLen, hi); ok {
			return s, true
		}
	}
	return "", false
}

// pad extends a matching but too short g.b to minLen runes with letters
// outside the match, which keeps an unanchored pattern matching. It tries
// appending, then prepending, then the same with a separating space.
func (g *gen) pad(accept func() bool, cnt, minLen, hi int) (string, bool) {
	need := minLen - cnt
	if need > hi-cnt {
		return "", false
	}
	body := append([]byte(nil), g.b...)
	fill := make([]byte, need)
	for i := range fill {
		fill[i] = byte('a' + g.intn(26))
	}
	try := func(parts ...[]byte) (string, bool) {
		g.b = g.b[:0]
		for _, p := range parts {
			g.b = append(g.b, p...)
		}
		if accept() {
			return string(g.b), true
		}
		return "", false
	}
	if s, ok := try(body, fill); ok {
		return s, true
	}
	if s, ok := try(fill, body); ok {
		return s, true
	}
	if need >= 2 {
		fill[0] = ' '
		if s, ok := try(body, fill); ok {
			return s, true
		}
		fill[0], fill[need-1] = fill[need-1], ' '
		if s, ok := try(fill, body); ok {
			return s, true
		}
	}
	return "", false
}

// steer says how to repair a candidate that fails a positive lookaround
// check: splice in a string generated from n, at the start (lookahead),
// anywhere (lookahead whose body starts with parts that can match empty,
// as the .* of (?=.*\d); n is the rest), or at the end (lookbehind).
//
// A lookahead whose body ends with $, as in ^(?=.{3,20}$), also bounds the
// length of the whole string: whole is set and lmin, lmax hold the bounds.
type steer struct {
	n               *node // nil: no repair
	anywhere, atEnd bool
	whole           bool
	lmin, lmax      int
}

// newSteer returns the repair strategy for a check, or nil.
func newSteer(c check) *steer {
	if c.neg {
		return nil
	}
	re, err := syntax.Parse(c.body, syntax.Perl)
	if err != nil {
		return nil
	}
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	st := &steer{atEnd: c.behind}
	if !c.behind && (re.Op == syntax.OpEndText ||
		re.Op == syntax.OpConcat && re.Sub[len(re.Sub)-1].Op == syntax.OpEndText) {
		n := build(re)
		st.whole, st.lmin, st.lmax = true, n.lmin, n.lmax
	}
	if re.Op == syntax.OpConcat && !c.behind {
		subs := re.Sub
		for len(subs) > 1 && build(subs[0]).lmin == 0 {
			subs = subs[1:]
			st.anywhere = true
		}
		if st.anywhere {
			re = &syntax.Regexp{Op: syntax.OpConcat, Sub: subs, Flags: re.Flags}
		}
	}
	if n := build(re); n.kind != kNone && n.lmax > 0 {
		st.n = n
	}
	return st
}

// maxSteerTries bounds the splice positions tried per repair.
const maxSteerTries = 4

// satisfy reports whether g.b satisfies every lookaround check of e, after
// repairing failing positive checks by splicing in generated text when
// that keeps g.b matching genRe and within hi runes. Each repair must keep
// the checks that held, so there are at most len(checks) of them.
func (g *gen) satisfy(e *entry, hi int) bool {
	cs := e.re.checks
	if len(cs) == 0 {
		return true
	}
	held := make([]bool, len(cs))
	for round := 0; ; round++ {
		failing := -1
		for i := range cs {
			held[i] = cs[i].holds(g.b)
			if !held[i] && failing < 0 {
				failing = i
			}
		}
		if failing < 0 {
			return true
		}
		st := e.steers[failing]
		if st == nil || st.n == nil || round >= len(cs) || !g.repair(e, st, failing, held, hi) {
			return false
		}
	}
}

// repair splices text generated from st.n into g.b so that check i holds
// and the checks marked in held still hold.
func (g *gen) repair(e *entry, st *steer, i int, held []bool, hi int) bool {
	save, fail := g.b, g.fail
	g.b, g.fail = nil, false
	xn := g.emit(st.n, st.n.lmin, minInt(st.n.lmax, st.n.lmin+4))
	x, bad := g.b, g.fail
	g.b, g.fail = save, fail
	if bad {
		return false
	}
	size := utf8.RuneCount(g.b)
	ok := func(cand []byte) bool {
		if !e.genRe.Match(cand) || !e.re.checks[i].holds(cand) {
			return false
		}
		for j, h := range held {
			if h && !e.re.checks[j].holds(cand) {
				return false
			}
		}
		g.b = cand
		return true
	}
	splice := func(from, to int) bool { // rune offsets
		f, t := runeOffset(g.b, from), runeOffset(g.b, to)
		cand := make([]byte, 0, len(g.b)-(t-f)+len(x))
		cand = append(append(append(cand, g.b[:f]...), x...), g.b[t:]...)
		return ok(cand)
	}
	// Replace xn runes, keeping the length.
	if xn <= size {
		switch {
		case st.atEnd:
			if splice(size-xn, size) {
				return true
			}
		case !st.anywhere:
			if splice(0, xn) {
				return true
			}
		default:
			for k := 0; k < maxSteerTries && k <= size-xn; k++ {
				p := g.intn(size - xn + 1)
				if splice(p, p+xn) {
					return true
				}
			}
		}
	}
	// Insert, when the length allows.
	if size+xn > hi {
		return false
	}
	p := 0
	switch {
	case st.atEnd:
		p = size
	case st.anywhere:
		p = g.intn(size + 1)
	}
	return splice(p, p)
}

// runeOffset returns the byte offset of the rune with index k in b.
func runeOffset(b []byte, k int) int {
	off := 0
	for ; k > 0 && off < len(b); k-- {
		_, n := utf8.DecodeRune(b[off:])
		off += n
	}
	return off
}

type kind uint8

const (
	kEmpty  kind = iota // zero-width: anchors, assertions, empty match
	kNone               // matches nothing
	kLit                // literal string
	kClass              // one rune from a set
	kConcat             // sequence
	kAlt                // alternation
	kRepeat             // repetition of subs[0]
)

// node is a generation tree built once per pattern from regexp/syntax.
type node struct {
	kind       kind
	lit        string
	cs         *charset
	subs       []*node
	rmin, rmax int   // repeat counts; rmax == inf when unbounded
	lmin, lmax int   // bounds on the match length in runes (lmax may be inf)
	sufMin     []int // concat: sum of lmin of subs[i+1:]
	sufMax     []int // concat: sum of lmax of subs[i+1:]
}

func sat(v int) int {
	if v > inf {
		return inf
	}
	return v
}

func addSat(a, b int) int { return sat(a + b) }

func mulSat(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= inf || b >= inf || a > inf/b {
		return inf
	}
	return a * b
}

// generator returns the cached generation tree, or nil when the pattern
// cannot be generated from.
func (e *entry) generator() *node {
	e.genOnce.Do(func() {
		if e.genRe == nil {
			return
		}
		re, err := syntax.Parse(e.genRe.String(), syntax.Perl)
		if err != nil {
			return
		}
		n := build(pinAnchors(re))
		if n.kind == kNone {
			return
		}
		for _, c := range e.checks {
			e.steers = append(e.steers, newSteer(c))
		}
		e.gen = n
	})
	return e.gen
}

// pinAnchors rewrites the parts of a sequence that precede a part starting
// with ^ (or follow a part ending with $) to match only the empty string,
// since anything they emitted would keep the anchor from matching: in
// .*(^arn:[a-z]+)(\d+$).* both .* must stay empty. A part that cannot be
// empty makes the sequence unmatchable. It edits re in place.
func pinAnchors(re *syntax.Regexp) *syntax.Regexp {
	for i, sub := range re.Sub {
		re.Sub[i] = pinAnchors(sub)
	}
	if re.Op != syntax.OpConcat {
		return re
	}
	first, last := -1, len(re.Sub)
	for i, sub := range re.Sub {
		if i > 0 && anchored(sub, syntax.OpBeginText, true) {
			first = i
		}
		if i < len(re.Sub)-1 && last == len(re.Sub) && anchored(sub, syntax.OpEndText, false) {
			last = i
		}
	}
	for i, sub := range re.Sub {
		if i < first || i > last {
			if !nullable(sub) {
				return &syntax.Regexp{Op: syntax.OpNoMatch}
			}
			re.Sub[i] = &syntax.Regexp{Op: syntax.OpEmptyMatch}
		}
	}
	return re
}

// anchored reports whether every match of re begins (atStart) or ends with
// the zero-width assertion op.
func anchored(re *syntax.Regexp, op syntax.Op, atStart bool) bool {
	switch re.Op {
	case op:
		return true
	case syntax.OpCapture:
		return anchored(re.Sub[0], op, atStart)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !anchored(sub, op, atStart) {
				return false
			}
		}
		return len(re.Sub) > 0
	case syntax.OpConcat:
		n := len(re.Sub)
		for k := 0; k < n; k++ {
			i := k
			if !atStart {
				i = n - 1 - k
			}
			if anchored(re.Sub[i], op, atStart) {
				return true
			}
			if re.Sub[i].Op != syntax.OpEmptyMatch && !zeroWidth(re.Sub[i].Op) {
				return false
			}
		}
	}
	return false
}

func zeroWidth(op syntax.Op) bool {
	switch op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return false
}

// nullable reports whether re matches the empty string.
func nullable(re *syntax.Regexp) bool { return build(re).lmin == 0 }

var (
	emptyNode = &node{kind: kEmpty}
	noneNode  = &node{kind: kNone, lmin: inf}
)

func build(re *syntax.Regexp) *node {
	switch re.Op {
	case syntax.OpNoMatch:
		return noneNode
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return emptyNode
	case syntax.OpLiteral:
		n := len(re.Rune)
		return &node{kind: kLit, lit: string(re.Rune), lmin: n, lmax: n}
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return noneNode
		}
		return &node{kind: kClass, cs: newCharset(re.Rune), lmin: 1, lmax: 1}
	case syntax.OpAnyCharNotNL:
		return &node{kind: kClass, cs: anyNotNL, lmin: 1, lmax: 1}
	case syntax.OpAnyChar:
		return &node{kind: kClass, cs: anyChar, lmin: 1, lmax: 1}
	case syntax.OpCapture:
		return build(re.Sub[0])
	case syntax.OpStar:
		return repeat(build(re.Sub[0]), 0, inf)
	case syntax.OpPlus:
		return repeat(build(re.Sub[0]), 1, inf)
	case syntax.OpQuest:
		return repeat(build(re.Sub[0]), 0, 1)
	case syntax.OpRepeat:
		max := re.Max
		if max < 0 {
			max = inf
		}
		return repeat(build(re.Sub[0]), re.Min, max)
	case syntax.OpConcat:
		n := &node{kind: kConcat}
		for _, s := range re.Sub {
			c := build(s)
			if c.kind == kNone {
				return noneNode
			}
			if c.kind == kEmpty && c.lmax == 0 {
				continue
			}
			n.subs = append(n.subs, c)
		}
		k := len(n.subs)
		n.sufMin, n.sufMax = make([]int, k), make([]int, k)
		for i := k - 1; i >= 0; i-- {
			if i+1 < k {
				n.sufMin[i] = addSat(n.sufMin[i+1], n.subs[i+1].lmin)
				n.sufMax[i] = addSat(n.sufMax[i+1], n.subs[i+1].lmax)
			}
		}
		for _, c := range n.subs {
			n.lmin = addSat(n.lmin, c.lmin)
			n.lmax = addSat(n.lmax, c.lmax)
		}
		return n
	case syntax.OpAlternate:
		n := &node{kind: kAlt, lmin: inf}
		for _, s := range re.Sub {
			c := build(s)
			if c.kind == kNone {
				continue
			}
			n.subs = append(n.subs, c)
			n.lmin = minInt(n.lmin, c.lmin)
			if c.lmax > n.lmax {
				n.lmax = c.lmax
			}
		}
		if len(n.subs) == 0 {
			return noneNode
		}
		return n
	}
	return noneNode
}

func repeat(sub *node, min, max int) *node {
	if sub.kind == kNone {
		if min == 0 {
			return emptyNode
		}
		return noneNode
	}
	return &node{kind: kRepeat, subs: []*node{sub}, rmin: min, rmax: max,
		lmin: mulSat(min, sub.lmin), lmax: mulSat(max, sub.lmax)}
}

type gen struct {
	r    Rand
	b    []byte
	fail bool
}

func (g *gen) intn(n int) int {
	if n <= 1 {
		return 0
	}
	v := g.r.Intn(n)
	if v < 0 || v >= n {
		v = int(uint(v) % uint(n))
	}
	return v
}

// emit appends a match of n whose rune length is preferably within
// [lo, hi], and returns the number of runes appended.
func (g *gen) emit(n *node, lo, hi int) int {
	switch n.kind {
	case kEmpty:
		return 0
	case kNone:
		g.fail = true
		return 0
	case kLit:
		g.b = append(g.b, n.lit...)
		return n.lmin
	case kClass:
		g.b = utf8.AppendRune(g.b, n.cs.pick(g))
		return 1
	case kAlt:
		fit := 0
		for _, s := range n.subs {
			if s.lmin <= hi && s.lmax >= lo {
				fit++
			}
		}
		if fit == 0 {
			return g.emit(n.subs[g.intn(len(n.subs))], lo, hi)
		}
		k := g.intn(fit)
		for _, s := range n.subs {
			if s.lmin <= hi && s.lmax >= lo {
				if k == 0 {
					return g.emit(s, lo, hi)
				}
				k--
			}
		}
		return 0
	case kConcat:
		written := 0
		for i, s := range n.subs {
			written += g.emitPart(s, lo-written, hi-written, n.sufMin[i], n.sufMax[i])
		}
		return written
	case kRepeat:
		return g.emitRepeat(n, lo, hi)
	}
	return 0
}

// emitPart emits one part of a sequence, given the bounds still to be met
// by it and the parts after it (whose lengths total [restMin, restMax]).
func (g *gen) emitPart(s *node, lo, hi, restMin, restMax int) int {
	clo := s.lmin
	if restMax < inf && lo-restMax > clo {
		clo = lo - restMax
	}
	chi := s.lmax
	if hi < inf && hi-restMin < chi {
		chi = hi - restMin
	}
	if chi < clo {
		// Infeasible here; stay as short as allowed and let
		// verification decide.
		clo, chi = s.lmin, s.lmin
	}
	return g.emit(s, clo, chi)
}

func (g *gen) emitRepeat(n *node, lo, hi int) int {
	sub := n.subs[0]
	kmin, kmax := n.rmin, n.rmax
	if sub.lmin > 0 && hi < inf && hi/sub.lmin < kmax {
		kmax = hi / sub.lmin
	}
	if lo > 0 {
		need := 1
		if sub.lmax < inf && sub.lmax > 0 {
			need = (lo + sub.lmax - 1) / sub.lmax
		}
		if need > kmin && sub.lmax > 0 {
			kmin = need
		}
	}
	if kmin > kmax {
		kmin, kmax = n.rmin, n.rmin
	}
	// Natural counts: a few beyond the minimum. Unbounded repeats start a
	// little above it, so '+' and '*' give readable lengths.
	base, span := kmin, 16
	if n.rmax >= inf {
		base, span = kmin+3, 8
	}
	top := base + span
	if top > kmax {
		top = kmax
	}
	if base > top {
		base = top
	}
	if base < kmin {
		base = kmin
	}
	k := base + g.intn(top-base+1)
	written := 0
	for i := 0; i < k; i++ {
		rest := k - 1 - i
		written += g.emitPart(sub, lo-written, hi-written, mulSat(rest, sub.lmin), mulSat(rest, sub.lmax))
		if g.fail {
			break
		}
	}
	return written
}

// charset picks runes from a character class, preferring readable ones.
type charset struct {
	alnum, graph, print, bmp, safe, all tier
}

// tier is a set of rune ranges (lo, hi pairs) and its size.
type tier struct {
	r []rune
	n int
}

func newTier(r []rune) tier {
	t := tier{r: r}
	for i := 0; i+1 < len(r); i += 2 {
		t.n += int(r[i+1]-r[i]) + 1
	}
	return t
}

func (t *tier) pick(g *gen) rune {
	k := g.intn(t.n)
	for i := 0; i+1 < len(t.r); i += 2 {
		if sz := int(t.r[i+1]-t.r[i]) + 1; k < sz {
			return t.r[i] + rune(k)
		} else {
			k -= sz
		}
	}
	return t.r[0]
}

// intersect returns the parts of the sorted ranges r that fall in any of
// the sorted ranges keep.
func intersect(r, keep []rune) []rune {
	var out []rune
	for i := 0; i+1 < len(r); i += 2 {
		for j := 0; j+1 < len(keep); j += 2 {
			lo, hi := max(r[i], keep[j]), min(r[i+1], keep[j+1])
			if lo <= hi {
				out = append(out, lo, hi)
			}
		}
	}
	return out
}

var (
	alnumRanges = []rune{'0', '9', 'A', 'Z', 'a', 'z'}
	graphRanges = []rune{0x21, 0x7e}
	printRanges = []rune{0x20, 0x7e}
	bmpRanges   = []rune{0xa0, 0xd7ff, 0xe000, 0xfffd}
	safeRanges  = []rune{0x20, 0x7e, 0xa0, 0xd7ff, 0xe000, 0xfffd, 0x10000, unicode.MaxRune}

	anyNotNL = newCharset([]rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune})
	anyChar  = newCharset([]rune{0, unicode.MaxRune})
)

func newCharset(r []rune) *charset {
	return &charset{
		alnum: newTier(intersect(r, alnumRanges)),
		graph: newTier(intersect(r, graphRanges)),
		print: newTier(intersect(r, printRanges)),
		bmp:   newTier(intersect(r, bmpRanges)),
		safe:  newTier(intersect(r, safeRanges)),
		all:   newTier(r),
	}
}

func (c *charset) pick(g *gen) rune {
	switch {
	case c.alnum.n > 0:
		// Mostly letters and digits; sometimes the punctuation the class
		// allows, so that e.g. [a-z0-9-] also yields hyphens.
		if c.graph.n > c.alnum.n && g.intn(8) == 0 {
			return c.graph.pick(g)
		}
		return c.alnum.pick(g)
	case c.graph.n > 0:
		return c.graph.pick(g)
	case c.print.n > 0:
		return c.print.pick(g)
	}
	t := &c.all
	if c.bmp.n > 0 {
		t = &c.bmp
	} else if c.safe.n > 0 {
		t = &c.safe
	}
	r := t.pick(g)
	for i := 0; i < 3 && !unicode.IsGraphic(r); i++ {
		r = t.pick(g)
	}
	return r
}
