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
