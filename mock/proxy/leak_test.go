package proxy_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A proxy leaves no goroutine behind once its upstream is gone and it is
// closed: timeouts, dropped connections and drifts included. Not parallel:
// it counts the process's goroutines.
func TestProxyLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Run("traffic", func(t *testing.T) {
		up := newUpstream(t)
		o := allowed
		o.Timeout = 100 * time.Millisecond
		h, _ := newMock(t, up.URL, o)
		for _, target := range []string{"/pets", "/owners", "/stores", "/slow", "/pets/501"} {
			w, _ := do(h, "GET", target, "")
			require.Equal(t, 200, w.Code, target)
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		b := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, b[:runtime.Stack(b, true)])
	}
}
