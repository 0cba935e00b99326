package memory

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	"github.com/mockapi-go/mockapi/store"
)

// matcher is the selection of a Query (Filter, Where, Search) compiled for
// matching decoded records.
type matcher struct {
	filter map[string][]byte // field -> canonical JSON of the value
	where  []store.Condition
	search string // lower case
}

// canon returns the canonical JSON of a value (numbers as float64).
func canon(v any) []byte {
	b, _ := json.Marshal(v)
	var x any
	if json.Unmarshal(b, &x) == nil {
		b, _ = json.Marshal(x)
	}
	return b
}

func newMatcher(q store.Query) *matcher {
	m := &matcher{where: slices.Clone(q.Where), search: strings.ToLower(q.Search)}
	if len(q.Filter) > 0 {
		m.filter = map[string][]byte{}
		for k, v := range q.Filter {
			m.filter[k] = canon(v)
		}
	}
	for i, c := range m.where {
		if c.Op == store.Like {
			m.where[i].Value = strings.ToLower(c.Value.(string))
		}
	}
	return m
}

// empty reports whether m matches every record.
func (m *matcher) empty() bool { return len(m.filter) == 0 && len(m.where) == 0 && m.search == "" }

// matches reports whether r meets every condition, decoding it only when
// there is one.
func (m *matcher) matches(r *rec) bool { return m.empty() || m.match(r.fields()) }

func (m *matcher) match(doc map[string]any) bool {
	for k, want := range m.filter {
		got, ok := doc[k]
		if !ok || !bytes.Equal(canon(got), want) {
			return false
		}
	}
	for _, c := range m.where {
		if !cond(c, doc) {
			return false
		}
	}
	return m.search == "" || contains(doc, m.search)
}

// cond reports whether doc meets c, whose Value the Store has normalised to
// string, float64, bool or nil (lower case for Like).
func cond(c store.Condition, doc map[string]any) bool {
	got, ok := doc[c.Field]
	if c.Op == store.Ne {
		return !ok || !same(got, c.Value)
	}
	if !ok {
		return false
	}
	var n int
	switch want := c.Value.(type) {
	case nil:
		return got == nil // Eq: the Store refuses nil with other ops
	case bool:
		g, ok := got.(bool)
		if !ok {
			return false
		}
		n = cmp.Compare(b2i(g), b2i(want))
	case float64:
		g, ok := got.(float64)
		if !ok {
			return false
		}
		n = cmp.Compare(g, want)
	case string:
		g, ok := got.(string)
		if !ok {
			return false
		}
		if c.Op == store.Like {
			return strings.Contains(strings.ToLower(g), want)
		}
		n = strings.Compare(g, want)
	default:
		return false
	}
	switch c.Op {
	case store.Eq:
		return n == 0
	case store.Gt:
		return n > 0
	case store.Gte:
		return n >= 0
	case store.Lt:
		return n < 0
	case store.Lte:
		return n <= 0
	}
	return false
}

// same reports whether a decoded JSON value equals a scalar of the same type.
func same(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case bool:
		g, ok := got.(bool)
		return ok && g == w
	case float64:
		g, ok := got.(float64)
		return ok && g == w
	case string:
		g, ok := got.(string)
		return ok && g == w
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// contains reports whether some string in v, at any depth, contains the
// lower-case text when lower-cased.
func contains(v any, text string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(strings.ToLower(v), text)
	case map[string]any:
		for _, x := range v {
			if contains(x, text) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if contains(x, text) {
				return true
			}
		}
	}
	return false
}
