package openapi

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// decodeJSONSplit decodes a JSON document into the generic tree, as a
// json.Decoder with UseNumber does, with the members of "paths" and of
// each map of "components" decoded on every core: on a large description
// they are nearly all of it, and decoding it whole took a core for a
// tenth of a second per 10 MB while the other waited.
//
// Only the levels it splits are read here, by a scanner that finds where
// each member's value ends; every value is then decoded, and so checked,
// by encoding/json. ok is false when the document is not an object of
// that shape, or anything in it is not valid JSON: the caller then decodes
// the document whole, and gives its error.
func decodeJSONSplit(data []byte) (root map[string]any, ok bool) {
	s := jsonScanner{b: data}
	top, ok := s.object(0, documentSplit)
	if !ok {
		return nil, false
	}
	// The pieces to decode, each with the map and key it goes to, in the
	// document's order: a repeated key keeps its last value, as
	// encoding/json's does.
	type piece struct {
		into  map[string]any
		key   string
		text  []byte
		depth int
		value any
	}
	var pieces []piece
	if repeats(top) {
		return nil, false // the last value wins; simpler decoded whole
	}
	root = make(map[string]any, len(top))
	for _, m := range top {
		switch {
		case m.key == "paths" && m.isObject():
			paths := m.members
			into := make(map[string]any, len(paths))
			root[m.key] = into
			for _, p := range paths {
				pieces = append(pieces, piece{into: into, key: p.key, text: p.value, depth: 2})
			}
		case m.key == "components" && m.isObject():
			sections := m.members
			if repeats(sections) {
				return nil, false
			}
			components := make(map[string]any, len(sections))
			root[m.key] = components
			for _, sec := range sections {
				if !sec.isObject() {
					pieces = append(pieces, piece{into: components, key: sec.key, text: sec.value, depth: 2})
					continue
				}
				entries := sec.members
				into := make(map[string]any, len(entries))
				components[sec.key] = into
				for _, e := range entries {
					pieces = append(pieces, piece{into: into, key: e.key, text: e.value, depth: 3})
				}
			}
		default:
			pieces = append(pieces, piece{into: root, key: m.key, text: m.value, depth: 1})
		}
	}
	_, err := inParallel(len(pieces), func(i int) error {
		p := &pieces[i]
		dec := json.NewDecoder(bytes.NewReader(p.text))
		dec.UseNumber()
		if err := dec.Decode(&p.value); err != nil {
			return err
		}
		if dec.InputOffset() != int64(len(p.text)) || !depthOK(p.value, p.depth) {
			return errNotSplit
		}
		p.text = nil
		return nil
	})
	if err != nil {
		return nil, false
	}
	for _, p := range pieces {
		p.into[p.key] = p.value
	}
	return root, true
}

// repeats reports whether a key appears twice among members.
func repeats(members []jsonMember) bool {
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if seen[m.key] {
			return true
		}
		seen[m.key] = true
	}
	return false
}

// jsonMember is one member of an object: its key, decoded, and its
// value's text; for an object the split rule took apart, its members.
type jsonMember struct {
	key     string
	value   []byte
	members []jsonMember
}

// splitRule tells which members' objects jsonScanner.object reads member
// by member, and the rule for their own members (nil: none).
type splitRule func(key string) (next splitRule, split bool)

// documentSplit takes apart "paths" and "components", and each map of
// components.
func documentSplit(key string) (splitRule, bool) {
	switch key {
	case "paths":
		return nil, true
	case "components":
		return func(string) (splitRule, bool) { return nil, true }, true
	}
	return nil, false
}

func (m jsonMember) isObject() bool { return len(m.value) > 0 && m.value[0] == '{' }

// jsonScanner reads the members of one JSON object without decoding
// their values: it only finds where each ends.
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// object reads the object at the start of s.b (after white space and a
// byte order mark at the top level) and returns its members in order, the
// objects rule names read member by member too. What follows the object is
// not read, as json.Decoder.Decode does not.
func (s *jsonScanner) object(depth int, rule splitRule) ([]jsonMember, bool) {
	if depth == 0 {
		s.b = bytes.TrimPrefix(s.b, []byte("\ufeff"))
	}
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return nil, false
	}
	s.i++
	members := []jsonMember{}
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return members, true
	}
	for {
		s.space()
		key, ok := s.key()
		if !ok {
			return nil, false
		}
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return nil, false
		}
		s.i++
		s.space()
		start := s.i
		m := jsonMember{key: key}
		var next splitRule
		split := false
		if rule != nil {
			next, split = rule(key)
		}
		if split && s.i < len(s.b) && s.b[s.i] == '{' {
			if m.members, ok = s.object(depth+1, next); !ok {
				return nil, false
			}
		} else if !s.skipValue() {
			return nil, false
		}
		m.value = s.b[start:s.i]
		members = append(members, m)
		s.space()
		if s.i >= len(s.b) {
			return nil, false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return members, true
		default:
			return nil, false
		}
	}
}

// key reads a string and decodes it: plain ASCII as it is, anything else
// (escapes, other UTF-8) by encoding/json.
func (s *jsonScanner) key() (string, bool) {
	start := s.i
	plain, ok := s.skipString()
	if !ok {
		return "", false
	}
	text := s.b[start:s.i]
	if plain {
		return string(text[1 : len(text)-1]), true
	}
	var k string
	if json.Unmarshal(text, &k) != nil {
		return "", false
	}
	return k, true
}

// skipString moves past the string at s.i; plain: it holds only printable
// ASCII and no escape.
func (s *jsonScanner) skipString() (plain, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false, false
	}
	plain = true
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return plain, true
		case c == '\\':
			plain = false
			s.i++ // the escaped byte
		case c < 0x20 || c >= utf8.RuneSelf:
			plain = false
		}
	}
	return false, false
}

// skipValue moves past the value at s.i: a string, an object or array
// (brackets counted, strings skipped), or a literal up to the next
// delimiter. The value's text is checked when it is decoded.
func (s *jsonScanner) skipValue() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.skipString()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.skipString(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return s.i > start
		}
		s.i++
	}
	return false
}
