package importer

import (
	"encoding/json"
	"maps"
	"math"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Bounds on what inference looks at: recorded JSON can be anything.
const (
	maxDepth      = 32   // nesting levels described; deeper values are {}
	maxProperties = 500  // properties described per object
	maxSamples    = 1000 // values of one place looked at for formats
)

// shape accumulates every JSON value seen at one place of the recorded
// bodies, and describes them as a JSON Schema: the types seen, the
// properties always present as required, a string format every value
// had.
type shape struct {
	types   map[string]bool
	n       int // values seen
	objects int // objects seen
	props   map[string]*shape
	order   []string // property names in first-seen order
	present map[string]int
	items   *shape
	formats map[string]bool // formats every string so far satisfies; nil before the first
	strings int
	secret  bool // the value of a field named like a secret: type only, no format
}

func newShape() *shape { return &shape{types: map[string]bool{}} }

// add records one decoded JSON value (json.Number for numbers).
func (s *shape) add(v any, depth int) {
	s.n++
	if depth > maxDepth {
		s.types["any"] = true
		return
	}
	switch v := v.(type) {
	case nil:
		s.types["null"] = true
	case bool:
		s.types["boolean"] = true
	case json.Number:
		if isInteger(v.String()) {
			s.types["integer"] = true
		} else {
			s.types["number"] = true
		}
	case string:
		s.types["string"] = true
		s.addString(v)
	case []any:
		s.types["array"] = true
		if s.items == nil {
			s.items = newShape()
		}
		for i, x := range v {
			if i >= maxSamples {
				break
			}
			s.items.add(x, depth+1)
		}
	case map[string]any:
		s.types["object"] = true
		s.objects++
		if s.props == nil {
			s.props, s.present = map[string]*shape{}, map[string]int{}
		}
		for _, k := range sortedKeys(v) {
			p, ok := s.props[k]
			if !ok {
				if len(s.props) >= maxProperties {
					continue
				}
				p = newShape()
				p.secret = secretName(k)
				s.props[k] = p
				s.order = append(s.order, k)
			}
			s.present[k]++
			p.add(v[k], depth+1)
		}
	}
}

func (s *shape) addString(v string) {
	if s.secret {
		return
	}
	s.strings++
	if s.strings > maxSamples {
		return
	}
	if s.formats == nil {
		s.formats = map[string]bool{}
		for _, f := range formatOrder {
			s.formats[f] = true
		}
	}
	for f := range s.formats {
		if !isFormat(f, v) {
			delete(s.formats, f)
		}
	}
}

// schema describes what was seen as a JSON Schema (OpenAPI 3.1).
func (s *shape) schema() *omap {
	out := newMap()
	if s == nil || s.n == 0 || s.types["any"] {
		return out
	}
	types := make([]string, 0, len(s.types))
	for _, t := range []string{"object", "array", "string", "integer", "number", "boolean", "null"} {
		if s.types[t] {
			types = append(types, t)
		}
	}
	if s.types["integer"] && s.types["number"] {
		types = slices.DeleteFunc(types, func(t string) bool { return t == "integer" })
	}
	if len(types) == 1 {
		out.set("type", types[0])
	} else {
		out.set("type", types)
	}
	if s.types["string"] {
		for _, f := range formatOrder {
			if s.formats[f] {
				out.set("format", f)
				break
			}
		}
	}
	if s.types["object"] {
		props := newMap()
		var required []string
		for _, k := range s.order {
			props.set(k, s.props[k].schema())
			if s.present[k] == s.objects {
				required = append(required, k)
			}
		}
		if props.len() > 0 {
			out.set("properties", props)
		}
		if len(required) > 0 {
			out.set("required", required)
		}
	}
	if s.types["array"] && s.items != nil && s.items.n > 0 {
		out.set("items", s.items.schema())
	}
	return out
}

// formatOrder is the formats recognised, most specific first: the first
// one every value satisfies is the one written.
var formatOrder = []string{"uuid", "date-time", "date", "email", "ipv4", "ipv6", "uri"}

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	dateRE     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`)
)

// isFormat reports whether v is of format f, by this package's rules and,
// where kin-openapi has a validator for f (the one the mock asserts), by
// that one too.
func isFormat(f, v string) bool {
	ok := false
	switch f {
	case "uuid":
		ok = uuidRE.MatchString(v)
	case "date-time":
		if dateTimeRE.MatchString(v) {
			_, err := time.Parse(time.RFC3339Nano, strings.ToUpper(v))
			ok = err == nil
		}
	case "date":
		if dateRE.MatchString(v) {
			_, err := time.Parse(time.DateOnly, v)
			ok = err == nil
		}
	case "email":
		a, err := mail.ParseAddress(v)
		ok = err == nil && a.Address == v && a.Name == "" && strings.Contains(v[strings.LastIndexByte(v, '@'):], ".")
	case "ipv4":
		ip := net.ParseIP(v)
		ok = ip != nil && ip.To4() != nil && !strings.Contains(v, ":")
	case "ipv6":
		ip := net.ParseIP(v)
		ok = ip != nil && strings.Contains(v, ":")
	case "uri":
		u, err := url.Parse(v)
		ok = err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(v, " \t\r\n")
	}
	if !ok {
		return false
	}
	if check, has := openapi3.SchemaStringFormats[f]; has {
		return check.Validate(v) == nil
	}
	return true
}

// isInteger reports whether a JSON number's text has no fraction or
// exponent.
func isInteger(s string) bool {
	return s != "" && !strings.ContainsAny(s, ".eE")
}

// scalarSchema describes the text values of a parameter: integer, number
// or boolean when every value reads as one, else a string with a format
// every value has.
func scalarSchema(values []string) *omap {
	out := newMap()
	allInt, allNum, allBool := len(values) > 0, len(values) > 0, len(values) > 0
	for _, v := range values {
		if !intRE.MatchString(v) {
			allInt = false
		}
		// A number with a fraction or an exponent that float64 holds; long
		// digit strings (ids past 18 digits) stay strings.
		if f, err := strconv.ParseFloat(v, 64); !numRE.MatchString(v) || !strings.ContainsAny(v, ".eE") || err != nil || math.IsInf(f, 0) {
			allNum = false
		}
		if v != "true" && v != "false" {
			allBool = false
		}
	}
	switch {
	case allInt:
		return out.set("type", "integer")
	case allNum:
		return out.set("type", "number")
	case allBool:
		return out.set("type", "boolean")
	}
	out.set("type", "string")
	if len(values) == 0 {
		return out
	}
	for _, f := range formatOrder {
		if f == "uri" {
			continue
		}
		all := true
		for _, v := range values {
			if !isFormat(f, v) {
				all = false
				break
			}
		}
		if all {
			out.set("format", f)
			break
		}
	}
	return out
}

var (
	intRE = regexp.MustCompile(`^-?(0|[1-9]\d{0,17})$`)
	numRE = regexp.MustCompile(`^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$`)
)

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
