//go:build !unix

package vault

import "time"

// cpuTime is not measured here: BenchmarkRead reports 0 CPU seconds.
func cpuTime() time.Duration { return 0 }
