package main

import (
	"context"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMemoryLimit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		live uint64
		want int64
	}{
		{"nothing live yet", 0, memoryFloor},
		{"small heap", 40 << 20, memoryFloor},
		{"half the floor", memoryFloor / 2, memoryFloor},
		{"large heap: GOGC's pace", 400 << 20, 800 << 20},
		{"no overflow", math.MaxUint64, math.MaxInt64 - 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, memoryLimit(tt.live))
		})
	}
}

// TestBoundMemory: the server sets a soft limit while it runs and lifts it
// when it stops; GOMEMLIMIT, when set, wins. Not parallel: the limit is the
// process's.
func TestBoundMemory(t *testing.T) {
	current := func() int64 { return debug.SetMemoryLimit(-1) } // -1 reads it
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set for this test process")
	}
	require.Equal(t, int64(math.MaxInt64), current(), "no limit before")

	ctx, cancel := context.WithCancel(context.Background())
	done := boundMemory(ctx, time.Millisecond)
	assert.GreaterOrEqual(t, current(), int64(memoryFloor))
	assert.Less(t, current(), int64(math.MaxInt64))
	// The limit follows a live heap that grows past half the floor.
	grown := make([]byte, memoryFloor)
	for i := range grown {
		grown[i] = byte(i)
	}
	runtime.GC()
	assert.Eventually(t, func() bool { return current() >= 2*int64(len(grown)) }, 5*time.Second, time.Millisecond,
		"the limit did not follow the live heap")
	runtime.KeepAlive(grown)
	cancel()
	<-done
	assert.Equal(t, int64(math.MaxInt64), current(), "lifted when the server stops")

	t.Setenv("GOMEMLIMIT", "off")
	done = boundMemory(context.Background(), time.Millisecond)
	<-done // nothing to stop
	assert.Equal(t, int64(math.MaxInt64), current(), "GOMEMLIMIT is the user's")
}
