package main

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The heap of a mock server on a large description is mostly what loading
// it left behind: partly used pages whose survivors (the document) keep
// them from being returned. The collector's pace (GOGC) counts live bytes
// only, so under load the process grew to twice its live heap plus those
// pages: 180 MB on GitHub's description, whose live heap is about 40 MB. A
// soft memory limit counts the pages too.

// memoryFloor is the soft limit the server keeps to while its live heap is
// small: about 140 MB of RSS under load on GitHub's description (the
// limit leaves out the program's own code).
const memoryFloor = 128 << 20

// boundMemory sets a soft memory limit (debug.SetMemoryLimit) of
// memoryFloor, or twice the live heap when that is more, and follows the
// live heap every interval until ctx is done, when it lifts the limit. A
// limit of twice the live heap is GOGC's own pace, so a server whose data
// grows (records, request logs) is never held below what it needs and the
// collector does not run back to back. GOMEMLIMIT, when set (off included),
// is the user's choice and is left alone.
func boundMemory(ctx context.Context, interval time.Duration) (done <-chan struct{}) {
	stopped := make(chan struct{})
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		close(stopped)
		return stopped
	}
	debug.SetMemoryLimit(memoryLimit(liveHeap()))
	go func() {
		defer close(stopped)
		defer debug.SetMemoryLimit(math.MaxInt64)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				debug.SetMemoryLimit(memoryLimit(liveHeap()))
			}
		}
	}()
	return stopped
}

// memoryLimit is the soft limit for a live heap of live bytes.
func memoryLimit(live uint64) int64 {
	return max(memoryFloor, int64(min(live, math.MaxInt64/2))*2)
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
