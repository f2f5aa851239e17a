package app

import (
	"flag"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/web"
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

// TestFormLimitSettings: the form limits' defaults are web's, and a
// setting that is not a count or a time is refused, naming its flag.
func TestFormLimitSettings(t *testing.T) {
	for _, tc := range []struct {
		limit, all, window string
		want               web.FormLimits
		wantErr            string
	}{
		{"", "", "", web.FormLimits{PerClient: web.DefaultFormPerClient, All: web.DefaultFormAll, Window: web.DefaultFormWindow}, ""},
		{"4", "100", "1h", web.FormLimits{PerClient: 4, All: 100, Window: time.Hour}, ""},
		{"0", "0", "", web.FormLimits{PerClient: web.DefaultFormPerClient, All: web.DefaultFormAll, Window: web.DefaultFormWindow}, ""},
		{"-1", "", "", web.FormLimits{}, "--form-limit -1 and --form-limit-all 600: want positive numbers"},
		{"ten", "", "", web.FormLimits{}, `COOPRESS_FORM_LIMIT="ten": want a whole number`},
		{"", "", "10", web.FormLimits{}, `--form-limit-window "10" (or COOPRESS_FORM_LIMIT_WINDOW): want a time of a second or more`},
		{"", "", "1ms", web.FormLimits{}, "want a time of a second or more"},
	} {
		cleanEnv(t)
		for name, v := range map[string]string{"COOPRESS_FORM_LIMIT": tc.limit, "COOPRESS_FORM_LIMIT_ALL": tc.all, "COOPRESS_FORM_LIMIT_WINDOW": tc.window} {
			if v != "" {
				t.Setenv(name, v)
			}
		}
		var c Config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.AddStoreFlags(fs)
		c.AddServeFlags(fs)
		err := c.Validate()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v: %v, want %q", tc, err, tc.wantErr)
			}
			continue
		}
		if err != nil || c.FormLimits != tc.want {
			t.Errorf("%+v: %+v (%v), want %+v", tc, c.FormLimits, err, tc.want)
		}
	}
}
