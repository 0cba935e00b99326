package openapi

import (
	"runtime"
	"sync"
)

// inParallel calls do(i) for every i below n on every core (up to 8), each
// worker taking the next index when it is done with one. It stops handing
// out indexes after the first error, which it returns with its index.
// Below 64 items, or on one core, it calls do in turn.
func inParallel(n int, do func(i int) error) (failed int, err error) {
	workers := min(runtime.GOMAXPROCS(0), 8)
	if workers <= 1 || n < 64 {
		for i := range n {
			if err := do(i); err != nil {
				return i, err
			}
		}
		return 0, nil
	}
	var (
		mu    sync.Mutex
		next  int
		first error
		at    int
		wg    sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= n || stop {
					return
				}
				if err := do(i); err != nil {
					mu.Lock()
					if first == nil || i < at {
						first, at = err, i
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return at, first
}
