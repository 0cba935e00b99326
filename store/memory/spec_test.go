package memory

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPackSpec: a description above packAbove is kept compressed, a
// smaller one as given, and each reads back byte for byte as a copy of its
// own.
func TestPackSpec(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		spec   []byte
		packed bool
	}{
		{"none", nil, false},
		{"empty", []byte{}, false},
		{"small", []byte("openapi: 3.1.0\n"), false},
		{"at the bound", bytes.Repeat([]byte("a"), packAbove), false},
		{"large", bytes.Repeat([]byte(`{"type": "string", "format": "uri"},`+"\n"), packAbove/8), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := bytes.Clone(tc.spec)
			s := packSpec(in)
			assert.Equal(t, tc.packed, s.packed)
			if len(in) > 0 {
				in[0] ^= 1 // the caller's bytes are not the store's
			}
			got, err := s.bytes()
			require.NoError(t, err)
			assert.Equal(t, tc.spec, got)
			if len(got) > 0 {
				got[0] ^= 1
				again, err := s.bytes()
				require.NoError(t, err)
				assert.Equal(t, tc.spec, again, "each read is a copy")
			}
		})
	}
}
