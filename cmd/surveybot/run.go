package main

import "context"

// cmdRun is wired by the lead once the channels exist.
func cmdRun(ctx context.Context, env *cliEnv, args []string) error { return &exitError{1, "not yet"} }
