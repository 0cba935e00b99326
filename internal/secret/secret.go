// Package secret makes and checks the random tokens mockapi hands out (API
// keys, share-link tokens, admin tokens): at least 128 bits from crypto/rand,
// URL-safe, stored only as a SHA-256 digest, compared in constant time.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// Bytes is the number of random bytes in a token: 160 bits.
const Bytes = 20

// New returns prefix followed by Bytes random bytes in unpadded base64url.
func New(prefix string) string {
	b := make([]byte, Bytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the hex SHA-256 digest of a token: what stores keep.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal reports whether two tokens are equal without leaking, through
// timing, where they differ: it compares their fixed-length digests.
func Equal(a, b string) bool {
	x, y := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(x[:], y[:]) == 1
}
