package mock

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
)

// render encodes value for the media type. f supplies randomness for
// binary bodies that have no value (nil when there is none to use).
func render(mp *mediaPlan, value any, f *gofakeit.Faker) ([]byte, error) {
	switch mp.kind {
	case renderJSON:
		return marshalJSON(value)
	case renderText:
		switch v := value.(type) {
		case string:
			return []byte(v), nil
		case nil:
			return nil, nil
		}
		return marshalJSON(value)
	case renderXML:
		if s, ok := value.(string); ok && strings.HasPrefix(strings.TrimSpace(s), "<") {
			return []byte(s), nil // an XML example written as a string
		}
		return renderXMLDoc(mp.schema, value)
	case renderForm:
		if m, ok := value.(map[string]any); ok {
			vals := url.Values{}
			for k, v := range m {
				vals.Set(k, scalarString(v))
			}
			return []byte(vals.Encode()), nil
		}
		return []byte(scalarString(value)), nil
	case renderBinary:
		if s, ok := value.(string); ok {
			return []byte(s), nil
		}
		if value == nil && f != nil {
			b := make([]byte, 16+f.Rand.Intn(48))
			for i := range b {
				b[i] = byte(f.Rand.Intn(256))
			}
			return b, nil
		}
		return marshalJSON(value)
	}
	return marshalJSON(value)
}

// marshalJSON encodes without HTML escaping: a mock should send "<" as "<".
// Generated values take the reflection-free path; its output is the same
// bytes encoding/json writes.
func marshalJSON(v any) ([]byte, error) {
	if b, ok := appendJSON(make([]byte, 0, 256), v); ok {
		return b, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encode adds a newline
}

func scalarString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(t, 10)
	case int:
		return strconv.Itoa(t)
	case json.Number:
		return t.String()
	}
	b, _ := marshalJSON(v)
	return string(b)
}

// renderXMLDoc is a simple XML rendering of a JSON value: objects become
// elements, arrays repeated elements, xml.name and xml.attribute honoured.
func renderXMLDoc(s *openapi3.Schema, value any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	name := "root"
	if s != nil && s.XML != nil && s.XML.Name != "" {
		name = s.XML.Name
	}
	writeXML(&buf, xmlName(name), s, value, 0)
	return buf.Bytes(), nil
}

func xmlName(n string) string {
	var b strings.Builder
	for i, r := range n {
		ok := r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r > 127
		if i == 0 && (r == '-' || r == '.' || (r >= '0' && r <= '9')) {
			b.WriteByte('_')
		}
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "item"
	}
	return b.String()
}

func writeXML(buf *bytes.Buffer, name string, s *openapi3.Schema, value any, depth int) {
	if depth > 64 {
		return
	}
	switch v := value.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteString("<" + name)
		var children []string
		for _, k := range keys {
			ps := propSchema(s, k)
			if ps != nil && ps.XML != nil && ps.XML.Attribute {
				fmt.Fprintf(buf, ` %s="`, xmlName(xmlElemName(ps, k)))
				_ = xml.EscapeText(buf, []byte(scalarString(v[k])))
				buf.WriteByte('"')
				continue
			}
			children = append(children, k)
		}
		buf.WriteString(">")
		for _, k := range children {
			ps := propSchema(s, k)
			writeXML(buf, xmlName(xmlElemName(ps, k)), ps, v[k], depth+1)
		}
		buf.WriteString("</" + name + ">")
	case []any:
		var items *openapi3.Schema
		if s != nil && s.Items != nil {
			items = s.Items.Value
		}
		itemName := name
		if items != nil && items.XML != nil && items.XML.Name != "" {
			itemName = xmlName(items.XML.Name)
		}
		wrapped := s != nil && s.XML != nil && s.XML.Wrapped
		if wrapped || depth == 0 {
			buf.WriteString("<" + name + ">")
			if itemName == name {
				itemName = "item"
			}
		}
		for _, e := range v {
			writeXML(buf, itemName, items, e, depth+1)
		}
		if wrapped || depth == 0 {
			buf.WriteString("</" + name + ">")
		}
	default:
		buf.WriteString("<" + name + ">")
		_ = xml.EscapeText(buf, []byte(scalarString(v)))
		buf.WriteString("</" + name + ">")
	}
}

func propSchema(s *openapi3.Schema, k string) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if p := s.Properties[k]; p != nil {
		return p.Value
	}
	for _, all := range s.AllOf {
		if all != nil && all.Value != nil {
			if p := propSchema(all.Value, k); p != nil {
				return p
			}
		}
	}
	return nil
}

func xmlElemName(s *openapi3.Schema, k string) string {
	if s != nil && s.XML != nil && s.XML.Name != "" {
		return s.XML.Name
	}
	return k
}
