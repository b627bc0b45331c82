package main

import "context"

func cmdExport(ctx context.Context, env *cliEnv, args []string) error {
	return &exitError{1, "not yet"}
}
func cmdStats(ctx context.Context, env *cliEnv, args []string) error { return &exitError{1, "not yet"} }
func cmdBackup(ctx context.Context, env *cliEnv, args []string) error {
	return &exitError{1, "not yet"}
}
