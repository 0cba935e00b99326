package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"time"

	"github.com/mockapi-go/mockapi/internal/secret"
	"github.com/mockapi-go/mockapi/store"
)

// KeyPrefix starts every API key NewKey makes.
const KeyPrefix = "mk_"

const (
	randomLen   = 27 // base64url characters of secret.Bytes (160 bits)
	checksumLen = 6  // base64url characters of a 32-bit CRC
	bodyLen     = len(KeyPrefix) + randomLen
	keyLen      = bodyLen + checksumLen
	// shownLen is how much of a key is kept as its non-secret prefix: "mk_"
	// and 4 random characters (24 bits), so 136 bits stay unknown.
	shownLen = len(KeyPrefix) + 4
)

// ErrMalformedKey is returned by CheckKey for a string that cannot be an API
// key: wrong prefix, length or alphabet, or a checksum that does not match.
var ErrMalformedKey = errors.New("auth: malformed API key")

var (
	crcTable  = crc32.MakeTable(crc32.Castagnoli)
	strictB64 = base64.RawURLEncoding.Strict()
)

// NewKey makes an API key scoped to the projects (none: every project). It
// returns the secret, to be shown once, and the key to store: only the
// secret's SHA-256 hash and a short non-secret prefix are kept in it.
//
// A key is "mk_", 160 random bits and a 32-bit checksum, all in base64url:
// CheckKey recognises one, and rejects a typo, without a store lookup.
func NewKey(name string, projects ...string) (string, *store.Key) {
	body := secret.New(KeyPrefix)
	s := body + checksum(body)
	k := &store.Key{
		Hash:      HashKey(s),
		Prefix:    s[:shownLen],
		Name:      name,
		CreatedAt: time.Now().UTC(),
	}
	if len(projects) > 0 {
		k.Projects = append([]string(nil), projects...)
	}
	return s, k
}

// checksum is the base64url CRC-32C of the key body.
func checksum(body string) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.Checksum([]byte(body), crcTable))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// CheckKey checks offline that s is shaped like a key NewKey made and that
// its checksum matches: nil, or ErrMalformedKey. The error never contains
// s. share.CheckToken is its counterpart for share-link tokens.
func CheckKey(s string) error { return checkToken(s, KeyPrefix) }

// checkToken checks that s is the prefix, 160 random bits and their
// checksum, as NewKey and NewUserToken make them. Both prefixes have the
// same length.
func checkToken(s, prefix string) error {
	if len(s) != keyLen || !strings.HasPrefix(s, prefix) {
		return ErrMalformedKey
	}
	for i := len(KeyPrefix); i < len(s); i++ {
		if !isB64URL(s[i]) {
			return ErrMalformedKey
		}
	}
	// Decode and checksum from stack copies: no allocation per request.
	var sum, want [4]byte
	var buf [keyLen]byte
	copy(buf[:], s)
	if n, err := strictB64.Decode(want[:], buf[bodyLen:]); err != nil || n != 4 {
		return ErrMalformedKey
	}
	binary.BigEndian.PutUint32(sum[:], crc32.Checksum(buf[:bodyLen], crcTable))
	if sum != want {
		return ErrMalformedKey
	}
	return nil
}

func isB64URL(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// HashKey returns what a store keeps of a key: its hex SHA-256 digest (as
// secret.Hash, with one allocation for the result).
func HashKey(s string) string {
	var sum [sha256.Size]byte
	if len(s) <= keyLen {
		var buf [keyLen]byte // keys hash from the stack
		sum = sha256.Sum256(buf[:copy(buf[:], s)])
	} else {
		sum = sha256.Sum256([]byte(s))
	}
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// RotateKey makes a successor of the key oldID with the same name, owner,
// scope and expiry, stores it, and lets the old key work for grace more
// (zero or less: the old key stops at once; never past its own expiry). A
// revoked or expired key cannot be rotated: store.ErrNotFound. It returns
// the new secret, shown once.
func RotateKey(ctx context.Context, keys *store.Keys, oldID string, grace time.Duration) (string, *store.Key, error) {
	old, err := keys.Get(ctx, oldID)
	if err != nil {
		return "", nil, fmt.Errorf("auth: rotate key %s: %w", oldID, err)
	}
	now := time.Now()
	if !old.Active(now) {
		return "", nil, fmt.Errorf("auth: rotate key %s: revoked or expired: %w", oldID, store.ErrNotFound)
	}
	s, next := NewKey(old.Name, old.Projects...)
	next.Owner = old.Owner
	next.ExpiresAt = old.ExpiresAt // the new key ends when the old one would have
	var expires time.Time
	if grace > 0 {
		expires = now.Add(grace)
	}
	if err := keys.Rotate(ctx, oldID, next, expires); err != nil {
		return "", nil, fmt.Errorf("auth: rotate key %s: %w", oldID, err)
	}
	return s, next, nil
}
