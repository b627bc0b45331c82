package main

import "context"

func cmdWhatsAppLink(ctx context.Context, env *cliEnv, args []string) error {
	return &exitError{1, "not yet"}
}
