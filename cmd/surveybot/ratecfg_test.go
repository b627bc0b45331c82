package main

import (
	"math"
	"testing"
)

// SURVEYBOT_TELEGRAM_RATE=0 must lift the per-chat pacing as well: with
// only the global rate lifted, a load test against a local Bot API server
// was held to one message per second per chat (about 2 s per answer).
func TestTelegramRateZeroLiftsChatPacing(t *testing.T) {
	for _, c := range []struct {
		env              map[string]string
		global, chatRate float64
	}{
		{map[string]string{"SURVEYBOT_TELEGRAM_RATE": "0"}, math.MaxFloat64, math.MaxFloat64},
		{map[string]string{"SURVEYBOT_TELEGRAM_RATE": "0", "SURVEYBOT_TELEGRAM_CHAT_RATE": "2"}, math.MaxFloat64, 2},
		{map[string]string{"SURVEYBOT_TELEGRAM_CHAT_RATE": "0"}, 0, math.MaxFloat64},
		{map[string]string{"SURVEYBOT_TELEGRAM_RATE": "10"}, 10, 0},
		{map[string]string{}, 0, 0},
	} {
		cfg, err := telegramConfig(func(k string) string { return c.env[k] })
		if err != nil {
			t.Fatalf("%v: %v", c.env, err)
		}
		if cfg.GlobalRate != c.global || cfg.ChatRate != c.chatRate {
			t.Errorf("%v: global %v chat %v, want %v and %v", c.env, cfg.GlobalRate, cfg.ChatRate, c.global, c.chatRate)
		}
	}
}
