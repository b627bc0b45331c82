package main

import "runtime/debug"

// The collector's defaults for `run`, each used only when the operator has
// not set the Go runtime's own variable. Measured with cmd/surveyload (see
// BENCHMARKS.md, "Memory"): GOGC 200 spends about 17% less CPU per input
// than 100 at 1,000 respondents flat out, and the soft limit keeps the heap
// of 10,000 respondents answering at once near 57 MB instead of 79 MB. A
// soft limit never refuses memory: above it the collector just runs more.
const (
	runGCPercent   = 200
	runMemoryLimit = 64 << 20 // bytes
)

// tuneGC applies the defaults above where GOGC and GOMEMLIMIT are unset.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(runGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(runMemoryLimit)
	}
}
