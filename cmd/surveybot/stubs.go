package main

import "context"

func cmdRun(ctx context.Context, env *cliEnv, args []string) error { return &exitError{1, "not yet"} }
func cmdExport(ctx context.Context, env *cliEnv, args []string) error {
	return &exitError{1, "not yet"}
}
func cmdStats(ctx context.Context, env *cliEnv, args []string) error { return &exitError{1, "not yet"} }
func cmdBackup(ctx context.Context, env *cliEnv, args []string) error {
	return &exitError{1, "not yet"}
}
func cmdWhatsAppLink(ctx context.Context, env *cliEnv, args []string) error {
	return &exitError{1, "not yet"}
}
