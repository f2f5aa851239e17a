package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
)

// subcommands maps the words after a command group ("fund add", "user
// list") to their functions.
type subcommands map[string]func(context.Context, []string, io.Writer) error

// dispatch runs the subcommand named by args[0].
func (s subcommands) dispatch(ctx context.Context, group string, args []string, stdout io.Writer) error {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 {
		return errors.New("usage: coopress " + group + " " + strings.Join(names, "|") + " [flags]")
	}
	sub, ok := s[args[0]]
	if !ok {
		return fmt.Errorf("unknown subcommand %q; want %s", args[0], strings.Join(names, ", "))
	}
	return sub(ctx, args[1:], stdout)
}

// storeCLI is what every subcommand that opens the database shares: the
// --data and --database flags and the opening itself.
type storeCLI struct {
	cfg app.Config
	fs  *flag.FlagSet
}

func newStoreCLI(name string) *storeCLI {
	c := &storeCLI{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	c.cfg.AddStoreFlags(c.fs)
	return c
}

// openDB parses the flags, refuses stray arguments, and opens (and
// migrates) the database; the caller closes it.
func (c *storeCLI) openDB(ctx context.Context, args []string) (*db.DB, error) {
	if err := c.fs.Parse(args); err != nil {
		return nil, err
	}
	if c.fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", c.fs.Arg(0))
	}
	if err := c.cfg.Validate(); err != nil {
		return nil, err
	}
	return app.OpenDB(ctx, &c.cfg)
}
