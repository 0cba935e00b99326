package importer

import (
	"encoding/json"

	"github.com/mockapi-go/mockapi/internal/secret"
)

var jsonZero = json.Number("0")

// Redacted replaces, in examples, the value of a field named like a
// secret. Credentials never reach the derived description.
const Redacted = "REDACTED"

// secretName reports whether a field, header or parameter called name
// probably holds a credential (internal/secret.Name).
func secretName(name string) bool { return secret.Name(name) }

// redact returns a copy of a decoded JSON value in which every field named
// like a secret holds a value of the same type that is no secret: strings
// become Redacted, numbers 0, booleans false; objects and arrays under
// such a field are redacted all through.
func redact(v any, depth int) any {
	if depth > maxDepth {
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if secretName(k) {
				out[k] = blank(x, depth+1)
			} else {
				out[k] = redact(x, depth+1)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = redact(x, depth+1)
		}
		return out
	}
	return v
}

func blank(v any, depth int) any {
	if depth > maxDepth {
		return nil
	}
	switch v := v.(type) {
	case string:
		return Redacted
	case bool:
		return false
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = blank(x, depth+1)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = blank(x, depth+1)
		}
		return out
	case nil:
		return nil
	}
	return jsonZero
}
