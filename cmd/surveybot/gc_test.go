package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTuneGCRespectsOperatorSettings(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	})
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}

	tuneGC(env(nil))
	if p := debug.SetGCPercent(100); p != runGCPercent {
		t.Errorf("GC percent %d with GOGC unset, want %d", p, runGCPercent)
	}
	if l := debug.SetMemoryLimit(math.MaxInt64); l != runMemoryLimit {
		t.Errorf("memory limit %d with GOMEMLIMIT unset, want %d", l, runMemoryLimit)
	}

	// The runtime read GOGC/GOMEMLIMIT itself at start; tuneGC must not
	// override what the operator chose.
	tuneGC(env(map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}))
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GC percent changed to %d although GOGC was set", p)
	}
	if l := debug.SetMemoryLimit(math.MaxInt64); l != math.MaxInt64 {
		t.Errorf("memory limit changed to %d although GOMEMLIMIT was set", l)
	}
}
