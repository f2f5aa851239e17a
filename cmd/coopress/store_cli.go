package main

import (
	"flag"

	"github.com/coopress/coopress/internal/app"
)

// storeCLI is what every command that opens the database shares: the
// --data and --database flags and the opening itself.
type storeCLI struct {
	inv *invocation
	cfg app.Config
	fs  *flag.FlagSet
}

func newStoreCLI(inv *invocation) *storeCLI {
	c := &storeCLI{inv: inv, fs: inv.flagSet()}
	c.cfg.AddStoreFlags(c.fs)
	return c
}

// parse parses the flags, refuses stray arguments and validates the
// configuration.
func (c *storeCLI) parse(args []string) error {
	if err := c.inv.parseNoArgs(c.fs, args); err != nil {
		return err
	}
	return c.cfg.Validate()
}
