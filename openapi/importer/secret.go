package importer

import (
	"encoding/json"
	"strings"
)

var jsonZero = json.Number("0")

// Redacted replaces, in examples, the value of a field named like a
// secret. Credentials never reach the derived description.
const Redacted = "REDACTED"

// secretWords are the parts of a name that mark its value as a
// credential, compared without case and without '-', '_', '.' and spaces.
var secretWords = []string{
	"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey",
	"authorization", "cookie", "session", "credential", "signature", "csrf", "xsrf", "cardnumber", "cvv",
}

// harmlessSuffixes end names that describe a secret without holding one.
var harmlessSuffixes = []string{"type", "count", "length", "limit", "usage", "kind", "expiresin", "expiresat", "policy"}

// shortSecrets are secret words short enough to be parts of harmless
// names ("author", "spinner"): they count as the whole name, its end, or
// after an "x" prefix ("X-Auth").
var shortSecrets = []string{"auth", "pin", "otp", "ssn", "key", "sid", "jwt", "sig"}

// separators are dropped from names before they are compared.
var separators = strings.NewReplacer("-", "", "_", "", ".", "", " ", "")

// secretName reports whether a field, header or parameter called name
// probably holds a credential.
func secretName(name string) bool {
	n := separators.Replace(strings.ToLower(name))
	for _, s := range harmlessSuffixes {
		if strings.HasSuffix(n, s) {
			return false // token_type, password_length: about a secret, not one
		}
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, w := range shortSecrets {
		if n == w || strings.HasPrefix(n, "x"+w) || len(n) > len(w) && strings.HasSuffix(n, w) && w != "key" && w != "sig" {
			return true
		}
	}
	return false
}

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
