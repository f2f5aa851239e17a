package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one command or command group. A group ("fund", "user") has
// subs and no run; help for both is built from these fields, so a command
// cannot exist without its usage line. A group may also have a run, for
// when it is given flags or nothing rather than a subcommand ("register
// --as-of D" beside "register check").
type command struct {
	// summary is one line, for lists.
	summary string
	// args is what follows the flags in the usage line, e.g. "FILE".
	args string
	// about is an optional paragraph that -h prints after the summary.
	about string
	// run gets the arguments after the command's name.
	run func(ctx context.Context, inv *invocation, args []string) error
	// subs are a group's subcommands.
	subs map[string]*command
}

// commands is filled by the init functions of this package's files, one file
// per command.
var commands = map[string]*command{}

// invocation is one running command: its full name ("fund add"), its entry
// and the stream its output and help go to.
type invocation struct {
	name   string
	cmd    *command
	stdout io.Writer
	// stderr takes progress reports of long work, apart from the result
	// on stdout.
	stderr io.Writer
}

// commandError names the subcommand an error came from, so that run prints
// "coopress fund add: …" rather than just "coopress fund: …".
type commandError struct {
	name string
	err  error
}

func (e *commandError) Error() string { return e.name + ": " + e.err.Error() }
func (e *commandError) Unwrap() error { return e.err }

// exec runs a leaf command or dispatches to a group's subcommand.
func (inv *invocation) exec(ctx context.Context, args []string) error {
	if inv.cmd.subs == nil {
		err := inv.cmd.run(ctx, inv, args)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			return &commandError{name: inv.name, err: err}
		}
		return err
	}
	names := inv.subNames()
	if inv.cmd.run != nil && (len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args[0])) {
		err := inv.cmd.run(ctx, inv, args)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			return &commandError{name: inv.name, err: err}
		}
		return err
	}
	if len(args) == 0 {
		return fmt.Errorf("say which: %s (see `coopress %s -h`)", strings.Join(names, ", "), inv.name)
	}
	if isHelp(args[0]) {
		if inv.cmd.run != nil {
			// The command's own usage and flags, then its subcommands.
			_ = inv.cmd.run(ctx, inv, []string{"-h"})
			fmt.Fprintln(inv.stdout, "\nsubcommands:")
			for _, n := range names {
				fmt.Fprintf(inv.stdout, "  %-9s %s\n", n, inv.cmd.subs[n].summary)
			}
			return flag.ErrHelp
		}
		inv.groupHelp(names)
		return flag.ErrHelp
	}
	sub, ok := inv.cmd.subs[args[0]]
	if !ok {
		return fmt.Errorf("unknown subcommand %q; want one of %s", args[0], strings.Join(names, ", "))
	}
	return (&invocation{name: inv.name + " " + args[0], cmd: sub, stdout: inv.stdout, stderr: inv.stderr}).exec(ctx, args[1:])
}

func (inv *invocation) subNames() []string {
	names := make([]string, 0, len(inv.cmd.subs))
	for n := range inv.cmd.subs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// groupHelp lists a group's subcommands.
func (inv *invocation) groupHelp(names []string) {
	w := inv.stdout
	fmt.Fprintf(w, "usage: coopress %s SUBCOMMAND [flags]\n\n%s\n\nsubcommands:\n", inv.name, inv.cmd.summary)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, inv.cmd.subs[n].summary)
	}
	fmt.Fprintf(w, "\nRun `coopress %s SUBCOMMAND -h` for its flags.\n", inv.name)
}

// flagSet makes the command's flag set. It writes nothing itself: parse
// prints help to stdout when asked, and an error is returned and printed
// once by run (the flag package would otherwise print it too, with the
// whole usage, to stderr).
func (inv *invocation) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet(inv.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args; -h prints the command's help and returns flag.ErrHelp.
func (inv *invocation) parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		inv.help(fs)
		return err
	}
	if err != nil {
		return fmt.Errorf("%w (see `coopress %s -h`)", err, inv.name)
	}
	return nil
}

// parseNoArgs is parse for a command that takes flags only.
func (inv *invocation) parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := inv.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 1 && isHelp(fs.Arg(0)) {
		// `coopress fund add help` asks for help too.
		inv.help(fs)
		return flag.ErrHelp
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: coopress %s takes flags only (see `coopress %s -h`)", fs.Arg(0), inv.name, inv.name)
	}
	return nil
}

// help prints the usage line, the summary and the flags.
func (inv *invocation) help(fs *flag.FlagSet) {
	w := inv.stdout
	line := "coopress " + inv.name
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		line += " [flags]"
	}
	if inv.cmd.args != "" {
		line += " " + inv.cmd.args
	}
	fmt.Fprintf(w, "usage: %s\n\n%s\n", line, inv.cmd.summary)
	if inv.cmd.about != "" {
		fmt.Fprintf(w, "\n%s\n", inv.cmd.about)
	}
	if n > 0 {
		fmt.Fprintln(w, "\nflags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// parseFileArg parses flags around the one FILE argument, so that both
// `coopress backup FILE --data DIR` and `coopress backup --data DIR FILE`
// work: the flag package alone stops at the first argument that is not a
// flag and would silently ignore the --data after it.
func (inv *invocation) parseFileArg(fs *flag.FlagSet, args []string) (string, error) {
	if err := inv.parse(fs, args); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		return "", fmt.Errorf("FILE is missing; usage: coopress %s [flags] FILE", inv.name)
	}
	file := fs.Arg(0)
	if err := inv.parse(fs, fs.Args()[1:]); err != nil {
		return "", err
	}
	if fs.NArg() != 0 {
		return "", fmt.Errorf("unexpected argument %q; usage: coopress %s [flags] FILE", fs.Arg(0), inv.name)
	}
	return file, nil
}
