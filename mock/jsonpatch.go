package mock

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// patchOp is one operation of a JSON Patch (RFC 6902).
type patchOp struct {
	Op    string          `json:"op"`
	Path  *string         `json:"path"`
	From  *string         `json:"from"`
	Value json.RawMessage `json:"value"`
}

// Bounds of a PATCH, so that a small request cannot make a huge record
// (twenty "copy" operations of the whole document double it twenty times).
const (
	// maxPatchOps is the most operations a JSON Patch may hold.
	maxPatchOps = 1000
	// maxPatchedBytes is the size a patched record may grow to: a patch
	// whose result is larger than this and than the record and request
	// together is refused (patchLimit).
	maxPatchedBytes = 1 << 20
	// maxPatchWork bounds, in multiples of that limit, the bytes a patch's
	// operations may add, remove, copy or compare in all, so that a
	// thousand operations on a large value cannot keep a CPU (and, on the
	// memory store, the store's lock) busy.
	maxPatchWork = 8
)

// patchLimit is the largest patched record a request may produce: 1 MiB,
// or the record and the request together when they are larger (a record
// created large may still be patched; it cannot be multiplied).
func patchLimit(record, request int) int {
	return max(maxPatchedBytes, record+request)
}

// patchError is a JSON Patch that cannot be applied; failed "test"
// operations are conflicts, the rest are invalid patches.
type patchError struct {
	msg      string
	conflict bool
}

func (e *patchError) Error() string { return e.msg }

func patchErrorf(format string, args ...any) error {
	return &patchError{msg: fmt.Sprintf(format, args...)}
}

// applyJSONPatch applies a JSON Patch document to doc (decoded JSON) and
// returns the result; doc itself is not changed. It refuses a patch of
// more than maxPatchOps operations, stops as soon as the document's JSON
// size would pass limit bytes (so memory stays bounded while it works, not
// only at the end), and stops once its operations have handled
// maxPatchWork times limit bytes in all.
func applyJSONPatch(doc any, patch []byte, limit int) (any, error) {
	var ops []patchOp
	if err := json.Unmarshal(patch, &ops); err != nil {
		return nil, patchErrorf("a JSON Patch is an array of operations: %v", err)
	}
	if len(ops) > maxPatchOps {
		return nil, patchErrorf("a JSON Patch may hold at most %d operations, not %d", maxPatchOps, len(ops))
	}
	doc = deepCopy(doc)
	size := jsonSize(doc, limit)
	if size > limit {
		return nil, patchErrorf("the document is larger than %d bytes", limit)
	}
	// spend counts the bytes the operations handle, and fails past the
	// work budget.
	work := 0
	spend := func(i, n int) error {
		if work += n; work > maxPatchWork*limit {
			return patchErrorf("operation %d: the patch handles more than %d bytes in all", i, maxPatchWork*limit)
		}
		return nil
	}
	// grow accounts for a value added at a member named key, and fails once
	// the document is too large; shrink for one removed.
	grow := func(i int, key string, v any) error {
		n := len(key) + 4 + jsonSize(v, limit-size+1)
		if size += n; size > limit {
			return patchErrorf("operation %d: the patched document would be larger than %d bytes", i, limit)
		}
		return spend(i, n)
	}
	shrink := func(i int, key string, v any) error {
		n := min(size, len(key)+4+jsonSize(v, size))
		size -= n
		return spend(i, n)
	}
	lastKey := func(path []string) string {
		if len(path) == 0 {
			return ""
		}
		return path[len(path)-1]
	}
	for i, op := range ops {
		if op.Path == nil {
			return nil, patchErrorf("operation %d (%s) has no path", i, op.Op)
		}
		path, err := parsePointer(*op.Path)
		if err != nil {
			return nil, patchErrorf("operation %d: %v", i, err)
		}
		value := func() (any, error) {
			if op.Value == nil {
				return nil, patchErrorf("operation %d (%s) has no value", i, op.Op)
			}
			var v any
			if err := json.Unmarshal(op.Value, &v); err != nil {
				return nil, patchErrorf("operation %d: value: %v", i, err)
			}
			return v, nil
		}
		from := func() ([]string, error) {
			if op.From == nil {
				return nil, patchErrorf("operation %d (%s) has no from", i, op.Op)
			}
			return parsePointer(*op.From)
		}
		switch op.Op {
		case "add":
			v, err := value()
			if err != nil {
				return nil, err
			}
			if err := grow(i, lastKey(path), v); err != nil {
				return nil, err
			}
			var old any
			doc, old, err = pointerAdd(doc, path, v)
			if err != nil {
				return nil, patchErrorf("operation %d (add %s): %v", i, *op.Path, err)
			}
			if old != nil {
				if err := shrink(i, lastKey(path), old); err != nil {
					return nil, err
				}
			}
		case "remove":
			var old any
			if doc, old, err = pointerRemove(doc, path); err != nil {
				return nil, patchErrorf("operation %d (remove %s): %v", i, *op.Path, err)
			}
			if err := shrink(i, lastKey(path), old); err != nil {
				return nil, err
			}
		case "replace":
			v, err := value()
			if err != nil {
				return nil, err
			}
			var old any
			if doc, old, err = pointerRemove(doc, path); err == nil {
				if err := shrink(i, lastKey(path), old); err != nil {
					return nil, err
				}
				if err = grow(i, lastKey(path), v); err != nil {
					return nil, err
				}
				doc, _, err = pointerAdd(doc, path, v)
			}
			if err != nil {
				return nil, patchErrorf("operation %d (replace %s): %v", i, *op.Path, err)
			}
		case "move", "copy":
			src, err := from()
			if err != nil {
				return nil, err
			}
			var v any
			if op.Op == "move" {
				if len(path) > len(src) && reflect.DeepEqual(path[:len(src)], src) {
					return nil, patchErrorf("operation %d: cannot move %s into its own child", i, *op.From)
				}
				if doc, v, err = pointerRemove(doc, src); err == nil {
					err = shrink(i, lastKey(src), v)
				}
			} else {
				v, err = pointerGet(doc, src)
			}
			var old any
			if err == nil {
				// Measured before the copy is made: the copy is what could
				// blow up.
				if err := grow(i, lastKey(path), v); err != nil {
					return nil, err
				}
				if op.Op == "copy" {
					v = deepCopy(v)
				}
				doc, old, err = pointerAdd(doc, path, v)
			}
			if err != nil {
				return nil, patchErrorf("operation %d (%s %s): %v", i, op.Op, *op.Path, err)
			}
			if old != nil {
				if err := shrink(i, lastKey(path), old); err != nil {
					return nil, err
				}
			}
		case "test":
			want, err := value()
			if err != nil {
				return nil, err
			}
			got, err := pointerGet(doc, path)
			if err == nil {
				if err := spend(i, jsonSize(got, limit)); err != nil {
					return nil, err
				}
			}
			if err != nil || !jsonEqual(got, want) {
				return nil, &patchError{msg: fmt.Sprintf("operation %d: test of %s failed", i, *op.Path), conflict: true}
			}
		default:
			return nil, patchErrorf("operation %d: unknown op %q", i, op.Op)
		}
	}
	return doc, nil
}

func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q does not start with /", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

func arrayIndex(tok string, n int, allowEnd bool) (int, error) {
	if allowEnd && tok == "-" {
		return n, nil
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 || (tok != "0" && tok[0] == '0') {
		return 0, fmt.Errorf("%q is not an array index", tok)
	}
	limit := n - 1
	if allowEnd {
		limit = n
	}
	if i > limit {
		return 0, fmt.Errorf("index %d is out of range", i)
	}
	return i, nil
}

func pointerGet(doc any, path []string) (any, error) {
	for _, tok := range path {
		switch t := doc.(type) {
		case map[string]any:
			v, ok := t[tok]
			if !ok {
				return nil, fmt.Errorf("no member %q", tok)
			}
			doc = v
		case []any:
			i, err := arrayIndex(tok, len(t), false)
			if err != nil {
				return nil, err
			}
			doc = t[i]
		default:
			return nil, fmt.Errorf("cannot descend into a scalar at %q", tok)
		}
	}
	return doc, nil
}

// pointerAdd adds v at path and returns the new document and the value v
// replaced (an object member or the whole document), or nil.
func pointerAdd(doc any, path []string, v any) (any, any, error) {
	if len(path) == 0 {
		return v, doc, nil
	}
	parent, err := pointerGet(doc, path[:len(path)-1])
	if err != nil {
		return nil, nil, err
	}
	last := path[len(path)-1]
	switch t := parent.(type) {
	case map[string]any:
		old := t[last]
		t[last] = v
		return doc, old, nil
	case []any:
		i, err := arrayIndex(last, len(t), true)
		if err != nil {
			return nil, nil, err
		}
		grown := append(t[:i:i], append([]any{v}, t[i:]...)...)
		doc, err = pointerSet(doc, path[:len(path)-1], grown)
		return doc, nil, err
	}
	return nil, nil, fmt.Errorf("cannot add to a scalar")
}

// jsonSize is about the length of v encoded as JSON (strings without
// escapes), counted only up to limit: the walk stops once it is passed.
func jsonSize(v any, limit int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			n += 2
			for k, e := range t {
				n += len(k) + 4
				walk(e)
			}
		case []any:
			n += 2
			for _, e := range t {
				n++
				walk(e)
			}
		case string:
			n += len(t) + 2
		case float64:
			n += len(strconv.FormatFloat(t, 'g', -1, 64))
		case bool:
			n += 5
		default:
			n += 4
		}
	}
	walk(v)
	return n
}

// pointerRemove removes the value at path and returns the new document and
// the removed value.
func pointerRemove(doc any, path []string) (any, any, error) {
	if len(path) == 0 {
		return nil, doc, nil
	}
	parent, err := pointerGet(doc, path[:len(path)-1])
	if err != nil {
		return nil, nil, err
	}
	last := path[len(path)-1]
	switch t := parent.(type) {
	case map[string]any:
		v, ok := t[last]
		if !ok {
			return nil, nil, fmt.Errorf("no member %q", last)
		}
		delete(t, last)
		return doc, v, nil
	case []any:
		i, err := arrayIndex(last, len(t), false)
		if err != nil {
			return nil, nil, err
		}
		v := t[i]
		shrunk := append(t[:i:i], t[i+1:]...)
		doc, err = pointerSet(doc, path[:len(path)-1], shrunk)
		return doc, v, err
	}
	return nil, nil, fmt.Errorf("cannot remove from a scalar")
}

// pointerSet replaces the value at path (which exists) with v.
func pointerSet(doc any, path []string, v any) (any, error) {
	if len(path) == 0 {
		return v, nil
	}
	parent, err := pointerGet(doc, path[:len(path)-1])
	if err != nil {
		return nil, err
	}
	last := path[len(path)-1]
	switch t := parent.(type) {
	case map[string]any:
		t[last] = v
	case []any:
		i, err := arrayIndex(last, len(t), false)
		if err != nil {
			return nil, err
		}
		t[i] = v
	}
	return doc, nil
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var u, w any
	_ = json.Unmarshal(x, &u)
	_ = json.Unmarshal(y, &w)
	return reflect.DeepEqual(u, w)
}
