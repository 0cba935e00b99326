package fake

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/pattern"
)

// strLen returns the rune and UTF-16 lengths of s.
func strLen(s string) (runes, units int) {
	for _, r := range s {
		runes++
		if utf16.IsSurrogate(r) || r > 0xFFFF {
			units += 2
		} else {
			units++
		}
	}
	return
}

type strSpec struct {
	minL, maxL int // maxL < 0: unbounded
	format     string
	in         *info
}

func (sp *strSpec) fits(s string) bool {
	r, u := strLen(s)
	if r < sp.minL || u < sp.minL {
		return false
	}
	if sp.maxL >= 0 && (r > sp.maxL || u > sp.maxL) {
		return false
	}
	return true
}

func (sp *strSpec) formatOK(s string) bool {
	if sp.format == "" {
		return true
	}
	if v, ok := openapi3.SchemaStringFormats[sp.format]; ok && v.Validate(s) != nil {
		return false
	}
	return true
}

func (sp *strSpec) ok(s string) bool {
	return sp.fits(s) && sp.formatOK(s) && (sp.in.re == nil || sp.in.re.MatchString(s))
}

func (c *ctx) genString(in *info, fs *openapi3.Schema, name string) (any, error) {
	if fs.MinLength > maxLen {
		return nil, unsat("minLength %d too large", fs.MinLength)
	}
	sp := &strSpec{minL: int(fs.MinLength), maxL: -1, format: fs.Format, in: in}
	if fs.MaxLength != nil {
		if *fs.MaxLength < fs.MinLength {
			return nil, unsat("minLength > maxLength")
		}
		if *fs.MaxLength < 1<<20 {
			sp.maxL = int(*fs.MaxLength)
		}
	}
	h := c.g.hint(name)
	if fs.Pattern != "" && in.re != nil && !in.re.Exact() {
		// Only an approximation of the pattern can be checked: whatever is
		// sent is a best effort, so an optional property is left out (#15).
		c.degrade(unsat("pattern %q can only be approximated", fs.Pattern))
	}
	if fs.Pattern != "" && in.re != nil {
		if h != hNone && (fs.Format == "" || formatHint(fs.Format) == hNone) {
			if s := c.hintString(h); s != "" && sp.ok(s) {
				return s, nil
			}
		}
		if s, ok := c.formatString(sp, h); ok && sp.ok(s) {
			return s, nil
		}
		for i := 0; i < 4; i++ {
			s, ok := generatePattern(c.f.Rand, fs.Pattern, sp.minL, sp.maxL)
			if !ok {
				break
			}
			if sp.ok(s) {
				return s, nil
			}
		}
		// No string is known to match: the pattern cannot match at all
		// (as /^\d{5}$/i, a regex literal, which matches no string), or
		// RE2 can only approximate it. The value is a best effort, so an
		// optional property is left out rather than sent invalid.
		if !in.re.Exact() {
			if s, ok := pattern.Approximate(c.f.Rand, fs.Pattern, sp.minL, sp.maxL); ok && sp.ok(s) {
				return s, nil
			}
		} else {
			c.degrade(unsat("no string found matching pattern %q", fs.Pattern))
		}
	}
	if fs.Format != "" {
		if s, ok := c.formatString(sp, h); ok {
			return s, nil
		}
		// The format cannot fit the other constraints: fall back to a
		// length-valid string (best effort, as documented).
	}
	if h != hNone {
		if s := c.hintString(h); s != "" && sp.fits(s) && sp.formatOK(s) {
			return s, nil
		}
	}
	return c.plainString(sp.minL, sp.maxL, fs.Format == "byte"), nil
}

// formatHint maps formats with a realistic producer to hints.
func formatHint(format string) hint {
	switch format {
	case "email", "idn-email":
		return hEmail
	case "uri", "url", "iri":
		return hURL
	case "hostname", "idn-hostname":
		return hDomain
	case "ipv4":
		return hIP
	case "uuid":
		return hID
	case "date-time":
		return hDateTime
	case "date":
		return hDate
	case "password":
		return hPassword
	}
	return hNone
}

// formatString produces a value for sp.format within the length bounds.
func (c *ctx) formatString(sp *strSpec, h hint) (string, bool) {
	f := c.f
	var s string
	switch sp.format {
	case "":
		return "", false
	case "date-time":
		extra := 0
		if sp.minL > 20 {
			extra = max(sp.minL-20, 2)
		}
		s = c.dateTime(extra)
	case "date":
		s = c.date()
	case "time":
		s = fmt.Sprintf("%02d:%02d:%02dZ", f.Rand.Intn(24), f.Rand.Intn(60), f.Rand.Intn(60))
	case "duration":
		s = fmt.Sprintf("P%dDT%dH%dM", f.Rand.Intn(30), f.Rand.Intn(24), f.Rand.Intn(60))
	case "email", "idn-email":
		s = c.email()
		if !sp.fits(s) && sp.maxL >= 3 {
			s = c.shortEmail(sp)
		}
	case "uri", "url", "iri":
		s = c.url()
		if h == hImage {
			s = c.hintString(hImage)
		}
	case "uri-reference", "iri-reference":
		s = "/" + strings.ToLower(f.Noun()) + "/" + fmt.Sprint(1+f.Rand.Intn(1000))
	case "uri-template":
		s = c.url() + "/{id}"
	case "hostname", "idn-hostname":
		s = c.domain()
	case "ipv4":
		s = f.IPv4Address()
	case "ipv6":
		s = f.IPv6Address()
	case "uuid":
		s = f.UUID()
	case "byte":
		n := 8 + f.Rand.Intn(16)
		if sp.maxL >= 0 {
			n = min(n, sp.maxL/4*3)
		}
		n = max(n, (sp.minL+3)/4*3)
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = byte(f.Rand.Intn(256))
		}
		s = base64.StdEncoding.EncodeToString(buf)
	case "binary":
		s = c.plainString(max(sp.minL, 8), sp.maxL, true)
	case "password":
		n := 12
		if sp.maxL >= 0 && sp.maxL < n {
			n = sp.maxL
		}
		n = max(n, sp.minL)
		if n <= 0 || n > 1000 {
			return "", false
		}
		s = f.Password(true, true, true, false, false, n)
	case "json-pointer":
		s = "/" + strings.ToLower(f.Noun()) + "/0"
	case "relative-json-pointer":
		s = "0/" + strings.ToLower(f.Noun())
	case "regex":
		s = "^[a-z]+$"
	case "int32", "int64", "float", "double":
		s = fmt.Sprint(f.Rand.Intn(1000))
	case "color", "hex-color":
		s = strings.ToLower(f.HexColor())
	case "phone":
		s = f.Phone()
	default:
		return "", false
	}
	if !sp.fits(s) || !sp.formatOK(s) {
		return "", false
	}
	return s, true
}

func (c *ctx) shortEmail(sp *strSpec) string {
	// "a@b.co" style, sized to the bounds.
	target := max(sp.minL, 6)
	if target > sp.maxL {
		target = sp.maxL
	}
	if target < 3 {
		return ""
	}
	domain := "x.io"
	if target < 8 {
		domain = "x"
		if target >= 5 {
			domain = "x.io"[:min(4, target-2)]
		}
	}
	local := target - 1 - len(domain)
	if local < 1 {
		domain = domain[:len(domain)+local-1]
		local = 1
	}
	return c.letters(local) + "@" + domain
}

func (c *ctx) letters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + c.f.Rand.Intn(26))
	}
	return string(b)
}

var epoch2020 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

const sixYears = 6 * 365 * 24 * 3600

// dateTime returns an RFC 3339 date-time in 2020..2025; extra > 0 adds that
// many fractional-second characters (including the dot).
func (c *ctx) dateTime(extra int) string {
	t := time.Unix(epoch2020+c.f.Rand.Int63n(sixYears), 0).UTC()
	s := t.Format("2006-01-02T15:04:05")
	if extra > 1 {
		s += "." + c.digits(extra-1)
	}
	return s + "Z"
}

func (c *ctx) date() string {
	return time.Unix(epoch2020+c.f.Rand.Int63n(sixYears), 0).UTC().Format("2006-01-02")
}

func (c *ctx) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + c.f.Rand.Intn(10))
	}
	return string(b)
}

func (c *ctx) hex(n int) string {
	const h = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = h[c.f.Rand.Intn(16)]
	}
	return string(b)
}

var tlds = []string{"com", "org", "net", "io", "dev"}

// url is an absolute https URL whose host is an RFC 1123 name and whose
// path is one plain segment: gofakeit's words may hold spaces or
// apostrophes ("careenough of"), which no URI parser takes.
func (c *ctx) url() string {
	return "https://www." + c.domain() + "/" + label(c.f.Noun(), "page")
}

// domain is an RFC 1123 host name of two words and a common TLD.
func (c *ctx) domain() string {
	f := c.f
	return label(f.Noun()+f.Adjective(), "example") + "." + tlds[f.Rand.Intn(len(tlds))]
}

// email is an addr-spec net/mail parses: a plain local part at domain().
func (c *ctx) email() string {
	f := c.f
	return label(f.FirstName(), "user") + "." + label(f.LastName(), "name") + "@" + c.domain()
}

// label keeps the ASCII letters and digits of s, lower-cased, at most 40
// of them: a host-name label or a path segment that needs no escaping.
// An empty result is def.
func label(s, def string) string {
	b := make([]byte, 0, min(len(s), 40))
	for i := 0; i < len(s) && len(b) < 40; i++ {
		switch ch := s[i]; {
		case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9':
			b = append(b, ch)
		case ch >= 'A' && ch <= 'Z':
			b = append(b, ch+'a'-'A')
		}
	}
	if len(b) == 0 {
		return def
	}
	return string(b)
}

// word returns a realistic lowercase word.
func (c *ctx) word() string {
	w := strings.ToLower(c.f.Noun())
	if w == "" || !utf8.ValidString(w) {
		return "item"
	}
	return w
}

// plainString returns words sized to [minL, maxL] (maxL < 0: unbounded).
// alnum restricts it to letters (valid base64 alphabet too).
func (c *ctx) plainString(minL, maxL int, alnum bool) string {
	if maxL == 0 {
		return ""
	}
	if minL == 0 && maxL < 0 {
		if alnum {
			return c.letters(8 + c.intn(8))
		}
		return c.word()
	}
	hi := maxL
	if hi < 0 || hi > minL+24 {
		hi = max(minL, 4) + 12
		if maxL >= 0 && hi > maxL {
			hi = maxL
		}
	}
	lo := max(minL, 1)
	if lo > hi {
		lo = hi
	}
	target := lo + c.intn(hi-lo+1)
	if alnum {
		return c.letters(target)
	}
	var b strings.Builder
	b.Grow(target + 16)
	for b.Len() < target {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		w := strings.ToLower(c.f.Word())
		if w == "" || !isASCII(w) {
			w = "lorem"
		}
		b.WriteString(w)
	}
	s := []byte(b.String()[:target])
	if s[len(s)-1] == ' ' {
		s[len(s)-1] = 'x'
	}
	return string(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
