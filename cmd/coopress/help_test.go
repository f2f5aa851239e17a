package main

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// cli runs the command line in-process with args as typed.
func cli(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// everyCommand lists every command and subcommand by its words.
func everyCommand() [][]string {
	var all [][]string
	for name, c := range commands {
		all = append(all, []string{name})
		for sub := range c.subs {
			all = append(all, []string{name, sub})
		}
	}
	sort.Slice(all, func(i, j int) bool { return strings.Join(all[i], " ") < strings.Join(all[j], " ") })
	return all
}

// TestHelpForEveryCommand asks for help in each way a person might, for
// every command and subcommand: it must go to stdout, exit 0, start with
// the usage line and never touch a database (the data directory named does
// not exist, and must still not exist afterwards).
func TestHelpForEveryCommand(t *testing.T) {
	dir := t.TempDir() + "/nothing-here"
	t.Setenv("COOPRESS_DATA", dir)
	forms := map[string]func(words []string) []string{
		"help WORDS":   func(w []string) []string { return append([]string{"help"}, w...) },
		"WORDS -h":     func(w []string) []string { return append(append([]string(nil), w...), "-h") },
		"WORDS --help": func(w []string) []string { return append(append([]string(nil), w...), "--help") },
		"WORDS help":   func(w []string) []string { return append(append([]string(nil), w...), "help") },
	}
	for _, words := range everyCommand() {
		for form, build := range forms {
			if form == "WORDS help" && lookup(words).args != "" {
				continue // there "help" would be a FILE
			}
			args := build(words)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, out, errOut := cli(args...)
				if code != 0 || errOut != "" {
					t.Fatalf("exit %d, stderr %q", code, errOut)
				}
				if !strings.HasPrefix(out, "usage: coopress "+strings.Join(words, " ")) {
					t.Fatalf("stdout does not start with the usage line:\n%s", out)
				}
				if c := lookup(words); c.subs == nil && c.run == nil {
					t.Fatal("a command with neither subcommands nor a run")
				}
			})
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("asking for help created the data directory")
	}
}

// lookup finds the command that words name.
func lookup(words []string) *command {
	c := commands[words[0]]
	if len(words) > 1 {
		c = c.subs[words[1]]
	}
	return c
}

func TestHelpContents(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"help"}, []string{"usage: coopress COMMAND", "fund ", "user ", "version ", "backup "}},
		{[]string{"-h"}, []string{"usage: coopress COMMAND"}},
		{[]string{"backup", "-h"}, []string{"usage: coopress backup [flags] FILE", "-replace", "-data"}},
		{[]string{"restore", "-h"}, []string{"usage: coopress restore [flags] FILE", "Stop coopress serve first"}},
		{[]string{"help", "fund", "add"}, []string{"usage: coopress fund add [flags]", "-method", "card, direct-debit"}},
		{[]string{"fund", "-h"}, []string{"usage: coopress fund SUBCOMMAND", "add ", "reverse ", "check "}},
		{[]string{"help", "user"}, []string{"enable ", "disable ", "erase "}},
		{[]string{"user", "erase", "-h"}, []string{"usage: coopress user erase [flags]", "-email", "-yes", "/account/delete"}},
		{[]string{"supporters", "-h"}, []string{"usage: coopress supporters SUBCOMMAND", "list "}},
		{[]string{"help", "supporters", "list"}, []string{"usage: coopress supporters list [flags]", "-status", "failing"}},
		{[]string{"help", "member", "add"}, []string{"usage: coopress member add [flags]", "-paid-on", "-number", "cannot be admitted twice"}},
		{[]string{"shares", "-h"}, []string{"usage: coopress shares SUBCOMMAND", "allot ", "withdraw ", "cancel ", "transmit "}},
		{[]string{"shares", "withdraw", "-h"}, []string{"usage: coopress shares withdraw [flags]", "-notice-given", "-reason"}},
		{[]string{"register", "-h"}, []string{"usage: coopress register [flags]", "-as-of", "-format", "-out", "subcommands:", "check "}},
		{[]string{"help", "register", "check"}, []string{"usage: coopress register check [flags]", "ledger's replay"}},
		{[]string{"annual-return", "-h"}, []string{"usage: coopress annual-return [flags]", "-year"}},
		{[]string{"officers", "-h"}, []string{"usage: coopress officers [flags]", "-as-of", "-format", "kept apart"}},
		{[]string{"officer", "-h"}, []string{"usage: coopress officer SUBCOMMAND", "appoint ", "end "}},
		{[]string{"help", "officer", "appoint"}, []string{"usage: coopress officer appoint [flags]", "-name", "-office", "-on", "-address", "-member", "recorded in error"}},
		{[]string{"officer", "end", "-h"}, []string{"usage: coopress officer end [flags]", "-id", "-on", "-reason"}},
		{[]string{"serve", "-h"}, []string{"-log-level", "-demo", "-addr"}},
		{[]string{"version", "-h"}, []string{"usage: coopress version\n"}},
		{[]string{"stv", "-h"}, []string{"usage: coopress stv SUBCOMMAND", "count "}},
		{[]string{"help", "stv", "count"}, []string{"usage: coopress stv count [flags] FILE.blt", "-seats", "-seed", "-format", "-method", "docs/ballots.md"}},
	} {
		code, out, errOut := cli(tc.args...)
		if code != 0 || errOut != "" {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: stdout lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
	// No command at all is a mistake: the list goes to stderr, exit 2.
	if code, out, errOut := cli(); code != 2 || out != "" || !strings.Contains(errOut, "usage: coopress") {
		t.Errorf("no command: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := cli("version")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "coopress ") || !strings.Contains(out, "\ncommit ") ||
		!strings.Contains(out, runtime.Version()) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
