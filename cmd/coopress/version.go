package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time by the Makefile (-X main.version=…, from
// git describe), since -buildvcs=false leaves the build info without a
// commit.
var version = ""

func init() {
	commands["version"] = &command{summary: "print the version, the commit it was built from and the Go version", run: runVersion}
}

func runVersion(_ context.Context, inv *invocation, args []string) error {
	if err := inv.parseNoArgs(inv.flagSet(), args); err != nil {
		return err
	}
	v, commit, goVersion := version, "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if r := settings["vcs.revision"]; r != "" {
			commit = r
			if settings["vcs.modified"] == "true" {
				commit += " (modified)"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	fmt.Fprintf(inv.stdout, "coopress %s\ncommit %s\n%s\n", v, commit, goVersion)
	return nil
}
