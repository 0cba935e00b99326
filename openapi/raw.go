package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxNodes bounds how many values a document may expand to once YAML aliases
// are followed, so a "billion laughs" document fails fast instead of eating
// the machine.
const maxNodes = 5_000_000

// maxDepth bounds nesting, so a hostile document cannot overflow the stack of
// the recursive walks that follow.
const maxDepth = 1000

// rawDoc is a parsed document as generic values: map[string]any, []any,
// string, bool, nil and json.Number. Mapping keys are always strings, YAML
// timestamps stay strings, and numbers keep their exact text.
type rawDoc struct {
	root any
	// node is the YAML node tree for YAML input (nil for JSON), kept to turn a
	// JSON pointer into a line number when an error needs one.
	node *yaml.Node
	// data is the original input, for locating lines in JSON lazily.
	data []byte
	// patterns are the schemas' patterns, found by checkRefs.
	patterns map[string]bool
	// oneLine: the input was JSON on one line, and data is no longer kept.
	oneLine bool
	// external: a $ref names another file or a URL (found by checkRefs).
	external bool
}

// keepLess lets go of the input when lines can be told without it: a
// minified JSON input has every value on line 1. A large JSON input is
// kept as its skeleton (skeleton.go). A Document keeps its rawDoc until
// its warnings are asked for.
func (d *rawDoc) keepLess() {
	if d.node == nil && len(d.data) > 0 && bytes.IndexByte(d.data, '\n') < 0 {
		d.data, d.oneLine = nil, true
	} else if d.node == nil && len(d.data) >= skeletonAbove {
		d.data = skeleton(d.data)
	}
}

// looksJSON reports whether data starts like a JSON document.
func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// parseRaw decodes YAML or JSON input into generic values.
func parseRaw(data []byte) (*rawDoc, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("document is empty")
	}
	if looksJSON(data) {
		if root, ok := decodeJSONSplit(data); ok {
			return &rawDoc{root: root, data: data}, nil
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err == nil {
			if depthOK(v, 0) {
				return &rawDoc{root: v, data: data}, nil
			}
			return nil, fmt.Errorf("document nests deeper than %d levels", maxDepth)
		}
		// Not strict JSON (comments, trailing commas, ...): YAML may still read it.
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, fmt.Errorf("not valid YAML or JSON: %w", err)
	}
	if node.Kind == 0 || len(node.Content) == 0 {
		return nil, errors.New("document is empty")
	}
	c := converter{}
	v, err := c.convert(node.Content[0], 0)
	if err != nil {
		return nil, err
	}
	return &rawDoc{root: v, node: node.Content[0], data: data}, nil
}

func depthOK(v any, depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			if !depthOK(e, depth+1) {
				return false
			}
		}
	case []any:
		for _, e := range t {
			if !depthOK(e, depth+1) {
				return false
			}
		}
	}
	return true
}

type converter struct {
	nodes int
}

func (c *converter) convert(n *yaml.Node, depth int) (any, error) {
	c.nodes++
	if c.nodes > maxNodes {
		return nil, fmt.Errorf("document expands to more than %d values (YAML aliases?)", maxNodes)
	}
	if depth > maxDepth {
		return nil, fmt.Errorf("line %d: document nests deeper than %d levels", n.Line, maxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.convert(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: unknown alias", n.Line)
		}
		return c.convert(n.Alias, depth+1)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := c.convert(e, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				// "<<: *base" merges the aliased mapping(s) under the explicit keys.
				if err := c.merge(out, v, depth); err != nil {
					return nil, err
				}
				continue
			}
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: mapping key is not a scalar", k.Line)
			}
			val, err := c.convert(v, depth+1)
			if err != nil {
				return nil, err
			}
			out[k.Value] = val
		}
		return out, nil
	case yaml.ScalarNode:
		return scalar(n), nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

func (c *converter) merge(out map[string]any, v *yaml.Node, depth int) error {
	if v.Kind == yaml.SequenceNode {
		for _, e := range v.Content {
			if err := c.merge(out, e, depth); err != nil {
				return err
			}
		}
		return nil
	}
	m, err := c.convert(v, depth+1)
	if err != nil {
		return err
	}
	mm, ok := m.(map[string]any)
	if !ok {
		return fmt.Errorf("line %d: merge key needs a mapping", v.Line)
	}
	for k, e := range mm {
		if _, set := out[k]; !set {
			out[k] = e
		}
	}
	return nil
}

// scalar resolves a YAML scalar the way a JSON reader would see it. Timestamps
// and anything unusual stay strings: an example date "2024-01-02" must remain
// the string the author wrote.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

// line returns the 1-based line of the value at the JSON pointer, or 0 when
// it is unknown.
func (d *rawDoc) line(pointer string) int {
	if pointer == "" {
		return 0
	}
	if d.node == nil {
		if len(d.data) == 0 && !d.oneLine {
			return 0
		}
		return d.lines([]string{pointer})[0]
	}
	n := d.node
	for _, tok := range splitPointer(pointer) {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
					break
				}
			}
			if next == nil {
				return n.Line
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return n.Line
			}
			n = n.Content[i]
		default:
			return n.Line
		}
	}
	return n.Line
}

// lines returns the 1-based line of the value at each JSON pointer, as line
// does, in one pass over a JSON input.
func (d *rawDoc) lines(pointers []string) []int {
	out := make([]int, len(pointers))
	if d.node != nil || (len(d.data) == 0 && !d.oneLine) {
		for i, p := range pointers {
			out[i] = d.line(p)
		}
		return out
	}
	if d.oneLine || bytes.IndexByte(d.data, '\n') < 0 {
		// Minified JSON (all of APIs.guru): every value is on line 1.
		for i, p := range pointers {
			if p != "" {
				out[i] = 1
			}
		}
		return out
	}
	// JSON input was decoded without positions: scan it again, only when a
	// problem needs a line. (Reading it as YAML, which keeps positions,
	// took seconds and a node tree many times the input on GitHub's 13 MB.)
	located := jsonLines(d.data, pointers)
	for i, p := range pointers {
		if p != "" {
			out[i] = located[i]
		}
	}
	return out
}

// lineNode is a JSON pointer token on the way to a pointer jsonLines
// looks for, with the line where its value starts once the scan met it.
type lineNode struct {
	kids map[string]*lineNode
	line int
}

// jsonLines scans JSON data once and returns, for each pointer, the line
// where its value starts or, when the document has no such value, where
// the deepest value on its way starts.
func jsonLines(data []byte, pointers []string) []int {
	root := &lineNode{}
	for _, p := range pointers {
		n := root
		for _, tok := range splitPointer(p) {
			if n.kids == nil {
				n.kids = map[string]*lineNode{}
			}
			c := n.kids[tok]
			if c == nil {
				c = &lineNode{}
				n.kids[tok] = c
			}
			n = c
		}
	}
	pos, line := 0, 1
	lineAt := func(off int) int { // the line of the first value byte at or after off
		for off < len(data) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
			off++
		}
		line += bytes.Count(data[pos:off], []byte{'\n'})
		pos = off
		return line
	}
	type frame struct {
		node    *lineNode // nil: no pointer goes through this value
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []frame
	next := func() { // a value of the innermost container is complete
		if len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.array {
				f.index++
			} else {
				f.wantKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			next()
			continue
		}
		if len(stack) > 0 && stack[len(stack)-1].wantKey {
			f := &stack[len(stack)-1]
			f.key, _ = tok.(string)
			f.wantKey = false
			continue
		}
		n := root
		if len(stack) > 0 {
			n = nil
			if f := stack[len(stack)-1]; f.node != nil {
				if f.array {
					n = f.node.kids[strconv.Itoa(f.index)]
				} else {
					n = f.node.kids[f.key]
				}
			}
		}
		if n != nil && n.line == 0 {
			n.line = lineAt(off)
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{node: n, array: d == '[', wantKey: d == '{'})
			continue
		}
		next()
	}
	out := make([]int, len(pointers))
	for i, p := range pointers {
		n := root
		out[i] = n.line
		for _, tok := range splitPointer(p) {
			if n = n.kids[tok]; n == nil || n.line == 0 {
				break
			}
			out[i] = n.line
		}
	}
	return out
}

// splitPointer splits a JSON pointer ("/paths/~1pets/get") into its unescaped
// tokens.
func splitPointer(p string) []string {
	p = strings.TrimPrefix(p, "#")
	if p == "" || p == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		if strings.Contains(s, "~") {
			s = strings.ReplaceAll(s, "~1", "/")
			parts[i] = strings.ReplaceAll(s, "~0", "~")
		}
	}
	return parts
}

// escapeToken escapes one JSON pointer token.
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// lookup resolves a local JSON pointer in the raw document.
func lookup(root any, pointer string) (any, bool) {
	return lookupTokens(root, splitPointer(pointer))
}

// Lines returns the 1-based line in data, a description in YAML or JSON,
// of the value at each JSON pointer: for a pointer that does not resolve
// all the way, the line of the deepest value it reaches; 0 for an empty
// pointer, or for every pointer when data cannot be read. It reads data
// again, so call it when lines are wanted (to show a Warning whose Line
// is 0, say), not on a request path.
func Lines(data []byte, pointers []string) []int {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	d := &rawDoc{data: data}
	if !looksJSON(data) || !json.Valid(data) {
		var node yaml.Node
		if yaml.Unmarshal(data, &node) != nil || len(node.Content) == 0 {
			return make([]int, len(pointers))
		}
		d.node = node.Content[0]
	}
	return d.lines(pointers)
}
