package app

import (
	"flag"
	"log/slog"
	"strings"
	"testing"
)

func TestYesNoAndLogLevelSettings(t *testing.T) {
	for _, tc := range []struct {
		demo, level string
		wantDemo    bool
		wantLevel   slog.Level
		wantErr     string
	}{
		{"", "", false, slog.LevelInfo, ""},
		{"1", "debug", true, slog.LevelDebug, ""},
		{"TRUE", "WARN", true, slog.LevelWarn, ""},
		{" yes ", "error", true, slog.LevelError, ""},
		{"0", "info", false, slog.LevelInfo, ""},
		{"false", "info", false, slog.LevelInfo, ""},
		{"No", "info", false, slog.LevelInfo, ""},
		{"on", "info", false, 0, `COOPRESS_DEMO="on": want 1, true or yes to turn it on, or 0, false, no or empty to leave it off`},
		{"", "loud", false, 0, `--log-level "loud" (or COOPRESS_LOG_LEVEL): want one of debug, info, warn, error`},
		{"", "info+2", false, 0, "want one of debug, info, warn, error"},
	} {
		cleanEnv(t)
		t.Setenv("COOPRESS_DEMO", tc.demo)
		if tc.level != "" {
			t.Setenv("COOPRESS_LOG_LEVEL", tc.level)
		}
		var c Config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.AddStoreFlags(fs)
		c.AddServeFlags(fs)
		err := c.Validate()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("DEMO=%q LOG_LEVEL=%q: %v, want %q", tc.demo, tc.level, err, tc.wantErr)
			}
			continue
		}
		if err != nil || c.Demo != tc.wantDemo || c.Level != tc.wantLevel {
			t.Errorf("DEMO=%q LOG_LEVEL=%q: demo %v level %v (%v)", tc.demo, tc.level, c.Demo, c.Level, err)
		}
	}
}
