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
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
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

// MinBits is the least entropy a chosen token (the admin token) must have.
const MinBits = 128

// Bits estimates the entropy of a token as if each character were drawn at
// random from the smallest alphabet holding them all: 3.3 bits a character
// for digits, 4 for hex, 6 for base64 (letters, digits, '-', '_', '+',
// '/', '='), 6.5 for any other text. A token with fewer than 8 distinct
// characters gets at most 8 bits a distinct character: "aaaa...a" is no
// secret however long. It cannot see that a long phrase is guessable; it
// refuses what is short.
func Bits(token string) float64 {
	digits, hexa, b64 := true, true, true
	distinct := map[rune]bool{}
	for _, r := range token {
		distinct[r] = true
		isDigit := '0' <= r && r <= '9'
		isHex := isDigit || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'
		isB64 := isDigit || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || strings.ContainsRune("-_+/=", r)
		digits, hexa, b64 = digits && isDigit, hexa && isHex, b64 && isB64
	}
	per := 6.5
	switch {
	case digits:
		per = math.Log2(10)
	case hexa:
		per = 4
	case b64:
		per = 6
	}
	bits := per * float64(utf8.RuneCountInString(token))
	if len(distinct) < 8 {
		bits = min(bits, 8*float64(len(distinct)))
	}
	return bits
}

// CheckStrength refuses a token with fewer than MinBits bits (Bits): at
// least 22 base64 characters, 32 hex digits or 39 decimal digits. The
// error says what a strong token looks like.
func CheckStrength(token string) error {
	if b := Bits(token); b < MinBits {
		return fmt.Errorf("the token has about %.0f bits of entropy; at least %d bits are required: use 22 or more random base64 characters "+
			"or 32 random hex digits (e.g. `openssl rand -hex 32`)", b, MinBits)
	}
	return nil
}
