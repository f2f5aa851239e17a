package app

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/mail"
)

// cleanEnv unsets every COOPRESS_* variable for the test, so defaults are
// the code's own.
func cleanEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "COOPRESS_") {
			t.Setenv(name, "") // restores it afterwards
			os.Unsetenv(name)
		}
	}
}

// setting is one configuration variable as the code has it.
type setting struct {
	flag string // "--data", or "" for the environment only
	def  string // the default the code applies, as a person would write it
}

// codeSettings reads every COOPRESS_* variable config.go reads, with the
// flag that falls back to it (found by the "(env COOPRESS_X)" its usage
// names) and its effective default in a clean environment.
func codeSettings(t *testing.T) map[string]setting {
	cleanEnv(t)
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]setting{}
	for _, m := range regexp.MustCompile(`env(?:Bool|BoolOr|Int)?\("([A-Z_]+)"(?:, "([^"]*)")?[,)]`).FindAllStringSubmatch(string(src), -1) {
		out["COOPRESS_"+m[1]] = setting{def: m[2]}
	}
	var c Config
	fs := flag.NewFlagSet("all", flag.ContinueOnError)
	c.AddStoreFlags(fs)
	c.AddServeFlags(fs)
	fs.VisitAll(func(f *flag.Flag) {
		m := regexp.MustCompile(`env (COOPRESS_[A-Z_]+)`).FindStringSubmatch(f.Usage)
		if m == nil {
			t.Errorf("flag --%s does not name its variable as (env COOPRESS_…)", f.Name)
			return
		}
		if _, ok := out[m[1]]; !ok {
			t.Errorf("flag --%s names %s, which config.go does not read", f.Name, m[1])
		}
		out[m[1]] = setting{flag: "--" + f.Name, def: f.DefValue}
	})
	// The relay's settings take mail's defaults once a host is set.
	withHost := func(kv ...string) mail.SMTPConfig {
		vals := map[string]string{mail.EnvSMTPHost: "relay.example"}
		for i := 0; i < len(kv); i += 2 {
			vals[kv[i]] = kv[i+1]
		}
		c, err := mail.SMTPConfigFromLookup(func(k string) string { return vals[k] })
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	def := withHost()
	out[mail.EnvSMTPFrom] = setting{def: def.From}
	out[mail.EnvSMTPTLS] = setting{def: string(def.TLS)}
	out[mail.EnvSMTPPort] = setting{def: fmt.Sprintf("%d, %d or %d", def.Port,
		withHost(mail.EnvSMTPTLS, "starttls").Port, withHost(mail.EnvSMTPTLS, "tls").Port)}
	return out
}

// docRow is one variable in a documentation table.
type docRow struct {
	file, variable, flag, def string
	hasFlag                   bool
}

// docRows reads every table with a "variable" and a "default" column from
// the README and docs/*.md. A row may name several variables, with "_PORT"
// short for the first one's prefix plus PORT, and one default for all or
// one each ("`1`, `10000`").
func docRows(t *testing.T) []docRow {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append([]string{"../../README.md"}, files...)
	var rows []docRow
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		cols := map[string]int{}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, "|") {
				cols = map[string]int{}
				continue
			}
			cells := strings.Split(strings.Trim(line, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			if len(cols) == 0 {
				for i, c := range cells {
					cols[c] = i
				}
				continue
			}
			vi, ok1 := cols["variable"]
			di, ok2 := cols["default"]
			if !ok1 || !ok2 || !strings.Contains(cells[vi], "COOPRESS_") {
				continue
			}
			vars := regexp.MustCompile("`([A-Z_]+)`").FindAllStringSubmatch(cells[vi], -1)
			defs := splitDefaults(cells[di], len(vars))
			fi, hasFlag := cols["flag"]
			var flags []string
			if hasFlag {
				flags = splitDefaults(cells[fi], len(vars))
			}
			prefix := ""
			for i, v := range vars {
				name := v[1]
				if strings.HasPrefix(name, "_") {
					name = prefix + name[1:]
				} else if j := strings.LastIndex(name, "_"); j > 0 {
					prefix = name[:j+1]
				}
				r := docRow{file: filepath.Base(file), variable: name, def: defs[i], hasFlag: hasFlag}
				if hasFlag {
					r.flag = flags[i]
				}
				rows = append(rows, r)
			}
		}
	}
	return rows
}

// splitDefaults gives each of n variables its cell value: one value for
// all, or a comma-separated value each when there are exactly n.
func splitDefaults(cell string, n int) []string {
	parts := strings.Split(cell, ", ")
	out := make([]string, n)
	for i := range out {
		if len(parts) == n && n > 1 {
			out[i] = parts[i]
		} else {
			out[i] = cell
		}
	}
	return out
}

// normalise turns a documented default into the code's spelling: `x` is
// x, "empty" is "", "off" is false, and words after the value in
// parentheses are an explanation.
func normalise(doc string, s setting) string {
	v := strings.ReplaceAll(doc, "`", "")
	if i := strings.Index(v, " ("); i > 0 {
		v = v[:i]
	}
	switch v {
	case "empty":
		v = ""
	case "off":
		v = "false"
	case "on":
		v = "true"
	}
	if s.def == "false" && v == "" {
		v = "false"
	}
	return v
}

// TestDocumentedDefaults fails when the README or a page in docs/ gives a
// default (or a flag) that the code does not have, names a variable the
// code does not read, or when the README leaves a variable out.
func TestDocumentedDefaults(t *testing.T) {
	code := codeSettings(t)
	readme := map[string]bool{}
	for _, r := range docRows(t) {
		s, ok := code[r.variable]
		if !ok {
			t.Errorf("%s documents %s, which the code does not read", r.file, r.variable)
			continue
		}
		if r.file == "README.md" {
			readme[r.variable] = true
		}
		if strings.HasPrefix(r.def, "see ") {
			continue // the default is documented on the page it points to
		}
		got := normalise(r.def, s)
		switch {
		case r.variable == "COOPRESS_BASE_URL" && got == "http://ADDR":
			c := Config{Addr: "example.org:81"}
			if err := c.Validate(); err != nil || c.BaseURL != "http://example.org:81" || s.def != "" {
				t.Errorf("%s: %s defaults to http://ADDR, but the code gives %q (%v)", r.file, r.variable, c.BaseURL, err)
			}
		case r.variable == mail.EnvSMTPPort:
			if !strings.HasPrefix(got, s.def) {
				t.Errorf("%s: %s default %q, code %q", r.file, r.variable, r.def, s.def)
			}
		case got != s.def:
			t.Errorf("%s: %s default documented as %q, but the code's is %q", r.file, r.variable, r.def, s.def)
		}
		if r.hasFlag {
			want := strings.ReplaceAll(r.flag, "`", "")
			if want == "(environment only)" {
				want = ""
			}
			if want != s.flag {
				t.Errorf("%s: %s documented with flag %q, but the code's is %q", r.file, r.variable, r.flag, s.flag)
			}
		}
	}
	for v := range code {
		if !readme[v] {
			t.Errorf("README.md's configuration table leaves out %s", v)
		}
	}
}
