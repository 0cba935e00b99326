package secret

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNew(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := New("mk_")
		require.True(t, strings.HasPrefix(tok, "mk_"))
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "mk_"))
		require.NoError(t, err)
		assert.Len(t, raw, Bytes)
		assert.False(t, seen[tok], "duplicate token")
		seen[tok] = true
	}
	assert.GreaterOrEqual(t, Bytes*8, 128)
}

func TestHashAndEqual(t *testing.T) {
	a, b := New(""), New("")
	assert.Len(t, Hash(a), 64)
	assert.Equal(t, Hash(a), Hash(a))
	assert.NotEqual(t, Hash(a), Hash(b))
	assert.True(t, Equal(a, a))
	assert.False(t, Equal(a, b))
	assert.False(t, Equal(a, a[:len(a)-1]))
	assert.False(t, Equal("", a))
}

// L5: a chosen admin token needs 128 bits.
func TestCheckStrength(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		token string
		ok    bool
	}{
		{"", false},
		{"test-admin-token", false},
		{"my-admin-token", false},
		{strings.Repeat("a", 64), false},
		{"0123456789abcdef0123456789abcde", false}, // 31 hex digits
		{"0123456789abcdef0123456789abcdef", true}, // 32
		{"Zm9vYmFyYmF6cXV4cXV1e", false},           // 21 base64 characters: 126 bits
		{"Zm9vYmFyYmF6cXV4cXV1eA", true},           // 22: 132
		{New("adm_"), true},
		{"correct horse battery staple", true},
	} {
		err := CheckStrength(tc.token)
		if tc.ok {
			assert.NoError(t, err, "%q: %.0f bits", tc.token, Bits(tc.token))
		} else {
			assert.Error(t, err, "%q: %.0f bits", tc.token, Bits(tc.token))
		}
	}
}
