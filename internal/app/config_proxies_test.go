package app

import (
	"flag"
	"fmt"
	"strings"
	"testing"
)

func TestTrustedProxiesSetting(t *testing.T) {
	for _, tc := range []struct {
		env, flag string
		want      string // the parsed prefixes, or the error's text
	}{
		{"", "", "[127.0.0.1/32 ::1/128]"},
		{"10.0.0.0/8, 2001:db8::/32", "", "[10.0.0.0/8 2001:db8::/32]"},
		{"192.0.2.7", "", "[192.0.2.7/32]"},
		{"10.0.0.0/8", "172.16.0.0/12", "[172.16.0.0/12]"},
		{" ", "", "[]"},
		{"10.0.0.1/8", "", "host bits are set; did you mean 10.0.0.0/8?"},
		{"lb.internal", "", `--trusted-proxies "lb.internal" (or COOPRESS_TRUSTED_PROXIES): want CIDRs`},
	} {
		cleanEnv(t)
		if tc.env != "" {
			t.Setenv("COOPRESS_TRUSTED_PROXIES", tc.env)
		}
		var c Config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.AddStoreFlags(fs)
		c.AddServeFlags(fs)
		if tc.flag != "" {
			if err := fs.Parse([]string{"--trusted-proxies", tc.flag}); err != nil {
				t.Fatal(err)
			}
		}
		err := c.Validate()
		got := fmt.Sprint(c.Proxies)
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("env %q flag %q: got %s, want %s", tc.env, tc.flag, got, tc.want)
		}
	}
}
