package pattern

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrUnsupported is wrapped by errors for patterns that are valid ECMAScript
// but use a construct RE2 cannot express (lookaround, backreferences,
// possessive quantifiers, repeat counts above 1000, unknown Unicode
// properties).
var ErrUnsupported = errors.New("pattern: construct not supported by RE2")

// ErrSyntax is wrapped by errors for patterns that are not regular
// expressions in ECMAScript terms either (for example unbalanced
// parentheses or a quantifier with nothing to repeat).
var ErrSyntax = errors.New("pattern: invalid regular expression")

// maxRepeat is RE2's (and Go's) limit for counted repetition.
const maxRepeat = 1000

// ECMAScript WhiteSpace and LineTerminator code points, as the body of an
// RE2 character class.
const wsBody = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

// nonWsBody is the complement of wsBody, usable inside a character class.
const nonWsBody = `\x{0}-\x{8}\x{e}-\x{1f}\x{21}-\x{9f}\x{a1}-\x{167f}\x{1681}-\x{1fff}\x{200b}-\x{2027}\x{202a}-\x{202e}\x{2030}-\x{205e}\x{2060}-\x{2fff}\x{3001}-\x{fefe}\x{ff00}-\x{10ffff}`

// dotClass is ECMAScript "." without the s flag: anything but a line
// terminator.
const dotClass = `[^\n\r\x{2028}\x{2029}]`

const (
	anyClass  = `[\x{0}-\x{10ffff}]`
	noneClass = `[^\x{0}-\x{10ffff}]`
)

// Translate rewrites an ECMAScript regular expression into Go RE2 syntax:
// \uXXXX and \u{...} become \x{...}, \cX and legacy octal escapes become
// code points, identity escapes such as \/ or \_ become literals, \s, \S
// and "." get their ECMAScript meaning, [^] and [] become explicit classes,
// braces that are not quantifiers become literals, and named groups
// (?<n>...) are kept. It returns an error wrapping [ErrUnsupported] when the
// pattern uses something RE2 cannot express (lookaround, backreferences,
// possessive quantifiers, counts above 1000), or wrapping [ErrSyntax] when
// it is not a valid regular expression.
func Translate(ecma string) (string, error) {
	res, err := translate(ecma, modeExact)
	return res.out, err
}

// mode selects how translate treats constructs RE2 cannot express.
type mode uint8

const (
	// modeExact fails with ErrUnsupported.
	modeExact mode = iota
	// modeSuper approximates by a superset: lookarounds that are not
	// verifiable (see lookaround) are dropped, backreferences become the
	// referenced group's sub-pattern, possessive quantifiers become greedy,
	// counts above 1000 become {min(n,1000),}, unknown properties match any
	// code point.
	modeSuper
	// modeSub translates to a subset, for generation: counts {n,m} with
	// n <= 1000 < m become {n,1000}; every other construct RE2 cannot
	// express, except verifiable lookarounds, fails with ErrUnsupported.
	modeSub
)

// result is the outcome of translate.
type result struct {
	out string // RE2 pattern
	// inexact: out is only a superset (modeSuper) or a subset (modeSub)
	// of what the pattern matches, even together with checks.
	inexact bool
	// checks are verifiable lookarounds (modeSuper, modeSub): a string
	// matches the pattern iff it matches out and every check.
	checks []check
}

// check is an RE2 pattern a string must match (or, if neg, not match)
// as a whole: "^(?:X)" for a lookahead (?=X) or (?!X) right after the
// leading ^, "(?:Y)$" for a lookbehind (?<=Y) or (?<!Y) right before the
// final $.
type check struct {
	re   string
	body string // the translated assertion body X or Y
	neg  bool
	// behind: a lookbehind before $; otherwise a lookahead after ^.
	behind bool
}

// translate does the work of Translate, in the given mode.
func translate(src string, m mode) (result, error) {
	t := &translator{src: []rune(src), mode: m}
	t.prescan()
	if err := t.run(); err != nil {
		return result{}, err
	}
	out := string(t.out)
	if _, err := syntax.Parse(out, syntax.Perl); err != nil {
		return result{}, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	for _, c := range t.checks {
		if _, err := syntax.Parse(c.re, syntax.Perl); err != nil {
			return result{}, fmt.Errorf("%w: %v", ErrUnsupported, err)
		}
	}
	return result{out: out, inexact: t.inexact, checks: t.checks}, nil
}

type frame struct {
	start  int // offset in out just after the opening parenthesis
	capIdx int // capture number, 0 when not capturing
	look   bool
	// Lookaround details: behind/neg give its kind; top means it is not
	// nested in a group; lead means it is a lookahead opened right after
	// the leading ^ (and zero-width items); unsup is t.unsup at opening.
	behind, neg, top, lead bool
	unsup                  int
}

// lookaround is a top-level lookaround assertion that may become a check.
//
// A lookaround is verifiable when its body translates exactly, it is not
// quantified, the pattern has no top-level alternation and no inline flag
// group such as (?i) or (?m) (which could change what ^, $ or the body
// mean), and it is either a lookahead right after the leading ^ or a
// lookbehind right before the final $ (other zero-width lookarounds may
// sit in between). Since ^ and $ (without the m flag, which JSON Schema
// patterns cannot have) only match at the ends of the input, such an
// assertion is evaluated at a fixed position, and the pattern matches a
// string iff the rest of the pattern does and the assertion holds there,
// which RE2 can decide on the whole string.
type lookaround struct {
	behind, neg bool
	body        string
	end         int // offset in out just after its "(?:)" placeholder
	ok          bool
}

type translator struct {
	src     []rune
	i       int
	out     []byte
	mode    mode
	inexact bool
	unsup   int // approximations made so far

	capTotal int            // capturing groups in the whole pattern
	hasNamed bool           // pattern has named groups, so \k is a backreference
	ncap     int            // capturing groups opened so far
	groups   map[int]string // RE2 body of each closed capturing group
	names    map[string]int // ECMAScript group name -> capture number
	goNames  map[string]bool
	stack    []frame
	canQuant bool // the previous item can take a quantifier

	looks  []lookaround // top-level lookaround candidates
	topAlt bool         // a top-level '|' was seen
	flags  bool         // an inline flag group (?i) was seen
	checks []check
}

func (t *translator) syntaxErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s at offset %d", ErrSyntax, fmt.Sprintf(format, args...), t.i)
}

// unsupported either reports err (modeExact, modeSub) or records an
// approximation (modeSuper).
func (t *translator) unsupported(what string) error {
	t.unsup++
	if t.mode == modeSuper {
		t.inexact = true
		return nil
	}
	return fmt.Errorf("%w: %s at offset %d", ErrUnsupported, what, t.i)
}

func (t *translator) peek(off int) rune {
	if t.i+off < len(t.src) {
		return t.src[t.i+off]
	}
	return -1
}

// prescan counts capturing groups and notes named groups.
func (t *translator) prescan() {
	inClass := false
	for i := 0; i < len(t.src); i++ {
		switch c := t.src[i]; {
		case c == '\\':
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '(':
			if i+1 < len(t.src) && t.src[i+1] == '?' {
				rest := t.src[i+2:]
				if len(rest) >= 2 && rest[0] == '<' && rest[1] != '=' && rest[1] != '!' ||
					len(rest) >= 2 && rest[0] == 'P' && rest[1] == '<' {
					t.capTotal++
					t.hasNamed = true
				}
				continue
			}
			t.capTotal++
		}
	}
}

func (t *translator) run() error {
	for t.i < len(t.src) {
		c := t.src[t.i]
		switch c {
		case '\\':
			if err := t.escape(); err != nil {
				return err
			}
		case '[':
			if err := t.class(); err != nil {
				return err
			}
			t.canQuant = true
		case '(':
			if err := t.open(); err != nil {
				return err
			}
		case ')':
			if err := t.close(); err != nil {
				return err
			}
		case '*', '+', '?':
			if err := t.quantifier(); err != nil {
				return err
			}
		case '{':
			if _, _, _, ok := t.braces(); ok {
				if err := t.quantifier(); err != nil {
					return err
				}
				continue
			}
			t.lit('{')
			t.i++
		case '}', ']':
			t.lit(c)
			t.i++
		case '.':
			t.out = append(t.out, dotClass...)
			t.i++
			t.canQuant = true
		case '^', '$', '|':
			if c == '|' && len(t.stack) == 0 {
				t.topAlt = true
			}
			t.out = append(t.out, byte(c))
			t.i++
			t.canQuant = false
		default:
			t.lit(c)
			t.i++
		}
	}
	if len(t.stack) > 0 {
		return t.syntaxErr("missing )")
	}
	return t.finishLooks()
}

// finishLooks turns the verifiable top-level lookarounds into checks and
// treats the others as unsupported.
func (t *translator) finishLooks() error {
	for _, l := range t.looks {
		ok := l.ok && !t.topAlt && !t.flags
		if ok && l.behind {
			// Only "(?:)" placeholders of other lookarounds (or empty
			// groups) between it and a final $.
			rest := string(t.out[l.end:])
			for strings.HasPrefix(rest, "(?:)") {
				rest = rest[4:]
			}
			ok = rest == "$"
		}
		if !ok {
			if err := t.unsupported("lookaround assertion"); err != nil {
				return err
			}
			continue
		}
		c := check{body: l.body, neg: l.neg, behind: l.behind}
		if l.behind {
			c.re = "(?:" + l.body + ")$"
		} else {
			c.re = "^(?:" + l.body + ")"
		}
		t.checks = append(t.checks, c)
	}
	return nil
}

// leadPrefix reports whether out is "^" followed by empty groups only (the
// placeholders of earlier lookarounds), so that an assertion here is
// evaluated at the start of the input.
func leadPrefix(out []byte) bool {
	if len(out) == 0 || out[0] != '^' {
		return false
	}
	rest := string(out[1:])
	for strings.HasPrefix(rest, "(?:)") {
		rest = rest[4:]
	}
	return rest == ""
}

// lit emits a literal code point outside a class.
func (t *translator) lit(r rune) {
	t.out = appendLiteral(t.out, r, false)
	t.canQuant = true
}

func isASCIIAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// appendLiteral appends r so that RE2 reads it as that literal code point.
func appendLiteral(b []byte, r rune, inClass bool) []byte {
	switch {
	case r < utf8.RuneSelf && r >= ' ' && r < 0x7f:
		special := `\.+*?()|[]{}^$`
		if inClass {
			special = `\[]-^`
		}
		if strings.IndexByte(special, byte(r)) >= 0 {
			return append(b, '\\', byte(r))
		}
		return append(b, byte(r))
	case r >= utf8.RuneSelf && r != utf8.RuneError && unicode.IsPrint(r):
		return utf8.AppendRune(b, r)
	default:
		b = append(b, `\x{`...)
		b = strconv.AppendInt(b, int64(r), 16)
		return append(b, '}')
	}
}

// braces reports whether a {n}, {n,} or {n,m} quantifier starts at t.i.
// max is -1 for {n,}; size is the number of runes it spans.
func (t *translator) braces() (min, max, size int, ok bool) {
	j := t.i + 1
	num := func() (int, bool) {
		start := j
		v := 0
		for j < len(t.src) && t.src[j] >= '0' && t.src[j] <= '9' {
			if v < 1<<30 {
				v = v*10 + int(t.src[j]-'0')
			}
			j++
		}
		return v, j > start
	}
	min, ok = num()
	if !ok {
		return 0, 0, 0, false
	}
	max = min
	if j < len(t.src) && t.src[j] == ',' {
		j++
		var has bool
		if max, has = num(); !has {
			max = -1
		}
	}
	if j >= len(t.src) || t.src[j] != '}' {
		return 0, 0, 0, false
	}
	return min, max, j + 1 - t.i, true
}

func (t *translator) quantifier() error {
	if !t.canQuant {
		return t.syntaxErr("nothing to repeat")
	}
	if n := len(t.looks); n > 0 && t.looks[n-1].end == len(t.out) {
		// A quantified lookaround (Annex B) is not verified.
		t.looks[n-1].ok = false
	}
	switch c := t.src[t.i]; c {
	case '*', '+', '?':
		t.out = append(t.out, byte(c))
		t.i++
	default:
		min, max, size, _ := t.braces()
		if max >= 0 && min > max {
			return t.syntaxErr("numbers out of order in {} quantifier")
		}
		if min > maxRepeat || max > maxRepeat {
			if t.mode == modeSub && min <= maxRepeat {
				// {n,1000} matches a subset of {n,m} and {n,}.
				t.unsup++
				t.inexact = true
				max = maxRepeat
			} else {
				if err := t.unsupported("repeat count above 1000"); err != nil {
					return err
				}
				// {n,m} with large counts is a subset of {min(n,1000),}.
				min, max = minInt(min, maxRepeat), -1
			}
		}
		t.out = append(t.out, '{')
		t.out = strconv.AppendInt(t.out, int64(min), 10)
		if max != min {
			t.out = append(t.out, ',')
			if max >= 0 {
				t.out = strconv.AppendInt(t.out, int64(max), 10)
			}
		}
		t.out = append(t.out, '}')
		t.i += size
	}
	if t.peek(0) == '?' {
		t.out = append(t.out, '?')
		t.i++
	}
	if c := t.peek(0); c == '+' {
		// Possessive quantifier (PCRE/Java): not ECMAScript, not RE2.
		// The greedy form accepts a superset.
		if err := t.unsupported("possessive quantifier"); err != nil {
			return err
		}
		t.i++
	}
	t.canQuant = false
	return nil
}

func (t *translator) open() error {
	t.canQuant = false
	if t.peek(1) != '?' {
		t.i++
		t.ncap++
		t.out = append(t.out, '(')
		t.stack = append(t.stack, frame{start: len(t.out), capIdx: t.ncap})
		return nil
	}
	switch c2, c3 := t.peek(2), t.peek(3); {
	case c2 == ':':
		t.i += 3
		t.out = append(t.out, "(?:"...)
		t.stack = append(t.stack, frame{start: len(t.out)})
		return nil
	case c2 == '=' || c2 == '!' || c2 == '<' && (c3 == '=' || c3 == '!'):
		if t.mode == modeExact {
			return t.unsupported("lookaround assertion")
		}
		f := frame{start: len(t.out), look: true, behind: c2 == '<',
			neg: c2 == '!' || c2 == '<' && c3 == '!', top: len(t.stack) == 0, unsup: t.unsup}
		f.lead = f.top && !f.behind && leadPrefix(t.out)
		if f.behind {
			t.i++
		}
		t.i += 3
		t.stack = append(t.stack, f)
		return nil
	case c2 == '<' || c2 == 'P' && c3 == '<':
		if c2 == 'P' {
			t.i++
		}
		t.i += 3
		start := t.i
		for t.i < len(t.src) && t.src[t.i] != '>' {
			t.i++
		}
		if t.i >= len(t.src) || t.i == start {
			return t.syntaxErr("invalid capture group name")
		}
		name := string(t.src[start:t.i])
		t.i++
		t.ncap++
		if t.names == nil {
			t.names = map[string]int{}
			t.goNames = map[string]bool{}
		}
		if _, dup := t.names[name]; !dup {
			t.names[name] = t.ncap
		}
		if validGoName(name) && !t.goNames[name] {
			t.goNames[name] = true
			t.out = append(t.out, "(?P<"...)
			t.out = append(t.out, name...)
			t.out = append(t.out, '>')
		} else {
			t.out = append(t.out, '(')
		}
		t.stack = append(t.stack, frame{start: len(t.out), capIdx: t.ncap})
		return nil
	default:
		// Inline flags: (?i) (PCRE, seen in the wild) and (?i:...) / (?i-s:...)
		// (ES2025 modifiers). RE2 supports both forms.
		j := t.i + 2
		for j < len(t.src) && (t.src[j] == 'i' || t.src[j] == 'm' || t.src[j] == 's' || t.src[j] == '-') {
			j++
		}
		if j == t.i+2 || j >= len(t.src) || t.src[j] != ':' && t.src[j] != ')' {
			return t.syntaxErr("invalid group")
		}
		flags := string(t.src[t.i : j+1])
		t.i = j + 1
		if flags[len(flags)-1] == ')' {
			t.flags = true
		}
		t.out = append(t.out, flags...)
		if flags[len(flags)-1] == ':' {
			t.stack = append(t.stack, frame{start: len(t.out)})
		}
		return nil
	}
}

func validGoName(name string) bool {
	for i, r := range name {
		if !(r == '_' || isASCIIAlnum(r)) || i == 0 && r >= '0' && r <= '9' {
			return false
		}
	}
	return name != ""
}

func (t *translator) close() error {
	if len(t.stack) == 0 {
		return t.syntaxErr("unmatched )")
	}
	f := t.stack[len(t.stack)-1]
	t.stack = t.stack[:len(t.stack)-1]
	t.i++
	t.canQuant = true
	if f.look {
		// The assertion becomes an empty group: a superset, exact
		// together with its check when it is verifiable.
		body := string(t.out[f.start:])
		t.out = append(t.out[:f.start], "(?:)"...)
		if f.top && (f.lead || f.behind) && t.unsup == f.unsup {
			t.looks = append(t.looks, lookaround{behind: f.behind, neg: f.neg,
				body: body, end: len(t.out), ok: true})
			return nil
		}
		return t.unsupported("lookaround assertion")
	}
	if f.capIdx > 0 {
		if t.groups == nil {
			t.groups = map[int]string{}
		}
		t.groups[f.capIdx] = string(t.out[f.start:])
	}
	t.out = append(t.out, ')')
	return nil
}

// backref handles a backreference to capture group n (0 if unknown).
func (t *translator) backref(n int) error {
	if err := t.unsupported("backreference"); err != nil {
		return err
	}
	// The referenced text matches the group's sub-pattern, so the
	// sub-pattern accepts a superset. A reference to a group that has not
	// closed yet matches the empty string.
	t.out = append(t.out, "(?:"...)
	t.out = append(t.out, uncapture(t.groups[n])...)
	t.out = append(t.out, ')')
	t.canQuant = true
	return nil
}

// uncapture turns the capturing groups of translated RE2 text into
// non-capturing ones so it can be repeated without duplicate names.
func uncapture(re string) string {
	b := make([]byte, 0, len(re)+8)
	inClass := false
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\':
			b = append(b, c)
			if i+1 < len(re) {
				i++
				b = append(b, re[i])
			}
			continue
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
			if i+1 < len(re) && re[i+1] == '^' {
				b = append(b, "[^"...)
				i++
				continue
			}
		case c == '(':
			if i+1 < len(re) && re[i+1] != '?' {
				b = append(b, "(?:"...)
				continue
			}
			if len(re) > i+3 && re[i+1:i+4] == "?P<" {
				j := i + 4
				for j < len(re) && re[j] != '>' {
					j++
				}
				b = append(b, "(?:"...)
				i = j
				continue
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// escape handles a backslash escape outside a character class.
func (t *translator) escape() error {
	t.i++
	if t.i >= len(t.src) {
		return t.syntaxErr(`\ at end of pattern`)
	}
	c := t.src[t.i]
	switch c {
	case 'd', 'D', 'w', 'W':
		t.out = append(t.out, '\\', byte(c))
		t.i++
		t.canQuant = true
		return nil
	case 's':
		t.out = append(t.out, "["+wsBody+"]"...)
		t.i++
		t.canQuant = true
		return nil
	case 'S':
		t.out = append(t.out, "[^"+wsBody+"]"...)
		t.i++
		t.canQuant = true
		return nil
	case 'b', 'B':
		t.out = append(t.out, '\\', byte(c))
		t.i++
		t.canQuant = false
		return nil
	case 'p', 'P':
		s, err := t.property()
		if err != nil {
			return err
		}
		t.out = append(t.out, s...)
		t.canQuant = true
		return nil
	case 'k':
		if t.hasNamed && t.peek(1) == '<' {
			j := t.i + 2
			for j < len(t.src) && t.src[j] != '>' {
				j++
			}
			if j >= len(t.src) {
				return t.syntaxErr("invalid named reference")
			}
			name := string(t.src[t.i+2 : j])
			t.i = j + 1
			return t.backref(t.names[name])
		}
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		j, n := t.i, 0
		for j < len(t.src) && t.src[j] >= '0' && t.src[j] <= '9' && n <= t.capTotal {
			n = n*10 + int(t.src[j]-'0')
			j++
		}
		if n <= t.capTotal {
			t.i = j
			return t.backref(n)
		}
	}
	r, err := t.charEscape(false)
	if err != nil {
		return err
	}
	t.lit(r)
	return nil
}

// charEscape decodes a character escape at t.i (just after the backslash)
// and advances past it.
func (t *translator) charEscape(inClass bool) (rune, error) {
	c := t.src[t.i]
	t.i++
	switch c {
	case 't':
		return '\t', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 'v':
		return '\v', nil
	case 'f':
		return '\f', nil
	case 'b':
		return '\b', nil // only reached inside a class
	case 'c':
		if l := t.peek(0); l >= 'a' && l <= 'z' || l >= 'A' && l <= 'Z' ||
			inClass && (l >= '0' && l <= '9' || l == '_') {
			t.i++
			return l % 32, nil
		}
		t.i-- // Annex B: "\c" is a literal backslash; "c" follows.
		return '\\', nil
	case 'x':
		if v, ok := t.hex(2); ok {
			return v, nil
		}
		return 'x', nil
	case 'u':
		if t.peek(0) == '{' {
			j := t.i + 1
			v := 0
			for j < len(t.src) && isHex(t.src[j]) && v <= unicode.MaxRune {
				v = v*16 + hexVal(t.src[j])
				j++
			}
			if j < len(t.src) && t.src[j] == '}' && j > t.i+1 {
				if v > unicode.MaxRune {
					return 0, t.syntaxErr("invalid Unicode escape")
				}
				t.i = j + 1
				return rune(v), nil
			}
			return 'u', nil
		}
		v, ok := t.hex(4)
		if !ok {
			return 'u', nil
		}
		if v >= 0xD800 && v <= 0xDBFF && t.peek(0) == '\\' && t.peek(1) == 'u' {
			save := t.i
			t.i += 2
			if lo, ok := t.hex(4); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return (v-0xD800)<<10 + (lo - 0xDC00) + 0x10000, nil
			}
			t.i = save
		}
		return v, nil
	case '0', '1', '2', '3', '4', '5', '6', '7':
		// \0 is NUL; otherwise Annex B legacy octal (at most \377).
		v := c - '0'
		for k := 0; k < 2; k++ {
			d := t.peek(0)
			if d < '0' || d > '7' || v*8+(d-'0') > 0377 {
				break
			}
			v = v*8 + (d - '0')
			t.i++
		}
		return v, nil
	}
	// Identity escape: \/ \- \_ \@ \" \8 \é ...
	return c, nil
}

func isHex(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
}

func hexVal(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= 'a' && r <= 'f':
		return int(r-'a') + 10
	default:
		return int(r-'A') + 10
	}
}

// hex reads exactly n hex digits at t.i.
func (t *translator) hex(n int) (rune, bool) {
	if t.i+n > len(t.src) {
		return 0, false
	}
	v := 0
	for k := 0; k < n; k++ {
		d := t.src[t.i+k]
		if !isHex(d) {
			return 0, false
		}
		v = v*16 + hexVal(d)
	}
	t.i += n
	return rune(v), true
}

// gcLong maps ECMAScript long General_Category names to RE2 short ones.
var gcLong = map[string]string{
	"Letter": "L", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
	"Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo",
	"Mark": "M", "Combining_Mark": "M", "Nonspacing_Mark": "Mn",
	"Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N",
	"Decimal_Number": "Nd", "digit": "Nd", "Letter_Number": "Nl",
	"Other_Number": "No", "Punctuation": "P", "punct": "P",
	"Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd",
	"Open_Punctuation": "Ps", "Close_Punctuation": "Pe",
	"Initial_Punctuation": "Pi", "Final_Punctuation": "Pf",
	"Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm",
	"Currency_Symbol": "Sc", "Modifier_Symbol": "Sk", "Other_Symbol": "So",
	"Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl",
	"Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc", "cntrl": "Cc",
	"Format": "Cf", "Surrogate": "Cs", "Private_Use": "Co",
}

// property translates \p{...} or \P{...} at t.i (on the p/P).
func (t *translator) property() (string, error) {
	neg := t.src[t.i] == 'P'
	if t.peek(1) != '{' {
		// \p without braces: identity escape outside u-mode.
		t.i++
		return string(appendLiteral(nil, t.src[t.i-1], false)), nil
	}
	j := t.i + 2
	for j < len(t.src) && t.src[j] != '}' {
		j++
	}
	if j >= len(t.src) {
		return "", t.syntaxErr("invalid property name")
	}
	name := string(t.src[t.i+2 : j])
	t.i = j + 1
	for _, prefix := range []string{"General_Category=", "gc=", "Script=", "sc="} {
		if len(name) > len(prefix) && name[:len(prefix)] == prefix {
			name = name[len(prefix):]
		}
	}
	if long, ok := gcLong[name]; ok {
		name = long
	}
	var body string
	switch {
	case name == "ASCII":
		body = `\x{0}-\x{7f}`
	case name == "Any":
		body = `\x{0}-\x{10ffff}`
	case unicode.Categories[name] != nil || unicode.Scripts[name] != nil:
		p := `\p{` + name + `}`
		if neg {
			p = `\P{` + name + `}`
		}
		return p, nil
	default:
		// Script_Extensions, binary properties (Alphabetic, Emoji, ...)
		// and unknown names: approximate by "anything".
		if err := t.unsupported(`unsupported property \p{` + name + `}`); err != nil {
			return "", err
		}
		return anyClass, nil
	}
	if neg {
		return "[^" + body + "]", nil
	}
	return "[" + body + "]", nil
}

// classAtom is one element of a character class: a code point or a class
// escape (already in RE2 class-body form).
type classAtom struct {
	r   rune
	esc string
}

// class translates a character class starting at t.i (on the '[').
func (t *translator) class() error {
	t.i++
	neg := false
	if t.peek(0) == '^' {
		neg = true
		t.i++
	}
	if t.peek(0) == ']' {
		t.i++
		if neg {
			t.out = append(t.out, anyClass...)
		} else {
			t.out = append(t.out, noneClass...)
		}
		return nil
	}
	t.out = append(t.out, '[')
	if neg {
		t.out = append(t.out, '^')
	}
	for {
		if t.i >= len(t.src) {
			return t.syntaxErr("missing ]")
		}
		if t.src[t.i] == ']' {
			t.i++
			t.out = append(t.out, ']')
			return nil
		}
		a, err := t.classAtom()
		if err != nil {
			return err
		}
		if t.peek(0) == '-' && t.peek(1) != ']' && t.peek(1) != -1 {
			t.i++
			b, err := t.classAtom()
			if err != nil {
				return err
			}
			if a.esc == "" && b.esc == "" {
				if a.r > b.r {
					return t.syntaxErr("range out of order in character class")
				}
				t.out = appendLiteral(t.out, a.r, true)
				t.out = append(t.out, '-')
				t.out = appendLiteral(t.out, b.r, true)
				continue
			}
			// Annex B: a class escape in a range makes '-' literal.
			t.appendAtom(a)
			t.out = append(t.out, `\-`...)
			t.appendAtom(b)
			continue
		}
		t.appendAtom(a)
	}
}

func (t *translator) appendAtom(a classAtom) {
	if a.esc != "" {
		t.out = append(t.out, a.esc...)
		return
	}
	t.out = appendLiteral(t.out, a.r, true)
}

func (t *translator) classAtom() (classAtom, error) {
	c := t.src[t.i]
	if c != '\\' {
		t.i++
		return classAtom{r: c}, nil
	}
	t.i++
	if t.i >= len(t.src) {
		return classAtom{}, t.syntaxErr(`\ at end of pattern`)
	}
	switch c := t.src[t.i]; c {
	case 'd', 'D', 'w', 'W':
		t.i++
		return classAtom{esc: `\` + string(c)}, nil
	case 's':
		t.i++
		return classAtom{esc: wsBody}, nil
	case 'S':
		t.i++
		return classAtom{esc: nonWsBody}, nil
	case 'p', 'P':
		if t.peek(1) == '{' {
			s, err := t.property()
			if err != nil {
				return classAtom{}, err
			}
			if s[0] == '[' { // [body] or [^body]
				if s[1] == '^' {
					// Only \P{ASCII}/\P{Any} get here.
					if s == "[^"+`\x{0}-\x{7f}`+"]" {
						return classAtom{esc: `\x{80}-\x{10ffff}`}, nil
					}
					// \P{Any} matches nothing; RE2 has no empty class body.
					if err := t.unsupported(`\P{Any} in a class`); err != nil {
						return classAtom{}, err
					}
					return classAtom{esc: `\x{0}-\x{10ffff}`}, nil
				}
				return classAtom{esc: s[1 : len(s)-1]}, nil
			}
			return classAtom{esc: s}, nil
		}
	}
	r, err := t.charEscape(true)
	return classAtom{r: r}, err
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}
