//go:build !unix

package mockapi

import "time"

// cpuTime is not measured here: BenchmarkStart reports no cpu-ms.
func cpuTime() time.Duration { return 0 }
