package importer

import (
	"bytes"
	"encoding/json"

	"gopkg.in/yaml.v3"
)

// omap is a JSON object that keeps its keys in the order they were set, so
// the derived description reads openapi, info, servers, paths, components
// in that order, in JSON and in YAML alike.
type omap struct {
	keys []string
	vals map[string]any
}

func newMap() *omap { return &omap{vals: map[string]any{}} }

// set adds or replaces key; a new key goes last.
func (m *omap) set(key string, v any) *omap {
	if _, ok := m.vals[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.vals[key] = v
	return m
}

func (m *omap) get(key string) (any, bool) {
	v, ok := m.vals[key]
	return v, ok
}

func (m *omap) len() int { return len(m.keys) }

func (m *omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(m.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (m *omap) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range m.keys {
		kn := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}
		vn := &yaml.Node{}
		if err := vn.Encode(yamlValue(m.vals[k])); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, kn, vn)
	}
	return n, nil
}

// yamlValue turns the values JSON decoding gives (json.Number in
// particular, which yaml.v3 would write as a string) into values that
// YAML writes as their JSON selves.
func yamlValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: v.String()}
		}
		// Past int64, or a fraction: YAML readers take it as a float.
		f, _ := v.Float64()
		return f
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = yamlValue(x)
		}
		return out
	case map[string]any:
		// Recorded JSON objects: written in sorted key order.
		m := newMap()
		for _, k := range sortedKeys(v) {
			m.set(k, v[k])
		}
		return m
	}
	return v
}
