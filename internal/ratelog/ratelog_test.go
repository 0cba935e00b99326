package ratelog

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	var l Limiter[string]
	t0 := time.Unix(1000, 0)
	for _, tc := range []struct {
		key        string
		at         time.Duration
		ok         bool
		suppressed int
	}{
		{"db", 0, true, 0},
		{"db", time.Second, false, 0},
		{"db", 2 * time.Second, false, 0},
		{"other", 2 * time.Second, true, 0}, // keys are apart
		{"db", 10 * time.Second, true, 2},
		{"db", 11 * time.Second, false, 0},
		{"db", time.Minute, true, 1},
		{"db", 2 * time.Minute, true, 0},
	} {
		ok, n := l.Allow(tc.key, t0.Add(tc.at))
		require.Equal(t, tc.ok, ok, "%s at %v", tc.key, tc.at)
		require.Equal(t, tc.suppressed, n, "%s at %v", tc.key, tc.at)
	}
}
