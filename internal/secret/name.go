package secret

import "strings"

// nameWords are the parts of a name that mark its value as a credential,
// compared without case and without '-', '_', '.' and spaces.
var nameWords = []string{
	"password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey",
	"authorization", "cookie", "session", "credential", "signature", "csrf", "xsrf", "cardnumber", "cvv", "bearer",
}

// harmlessSuffixes end names that describe a secret without holding one.
var harmlessSuffixes = []string{"type", "count", "length", "limit", "usage", "kind", "expiresin", "expiresat", "policy"}

// shortWords are secret words short enough to be parts of harmless names
// ("author", "spinner"): they count as the whole name, after an "x"
// prefix ("X-Auth"), or at its end (but "monkey", "design" are no keys
// or signatures).
var shortWords = []string{"auth", "pin", "otp", "ssn", "key", "sid", "jwt", "sig"}

// exactWords are secrets only as the whole name.
var exactWords = []string{"pwd", "pass"}

var separators = strings.NewReplacer("-", "", "_", "", ".", "", " ", "")

// Name reports whether a field, header or parameter called name probably
// holds a credential ("password", "X-API-Key", "client_secret",
// "sessionId", "auth"), so that logs, recordings and imported examples
// keep its value out. Names that describe a secret without holding one
// ("token_type", "password_length") do not count.
func Name(name string) bool {
	n := separators.Replace(strings.ToLower(name))
	for _, s := range harmlessSuffixes {
		if strings.HasSuffix(n, s) {
			return false
		}
	}
	for _, w := range nameWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, w := range shortWords {
		if n == w || strings.HasPrefix(n, "x"+w) || len(n) > len(w) && strings.HasSuffix(n, w) && w != "key" && w != "sig" {
			return true
		}
	}
	for _, w := range exactWords {
		if n == w {
			return true
		}
	}
	return false
}
