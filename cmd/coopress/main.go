// Command coopress runs a reader-owned newspaper: `coopress serve` serves the
// site, and the other subcommands look after its data.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command line, with its streams passed in so that tests
// drive it in-process. Asked-for help goes to stdout with exit 0; a
// command's error goes to stderr once, with exit 1; no or an unknown
// command prints the list to stderr with exit 2.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if isHelp(args[0]) {
		// `coopress help fund add` is `coopress fund add -h`.
		if len(args) == 1 || isHelp(args[1]) {
			usage(stdout)
			return 0
		}
		args = append(append([]string(nil), args[1:]...), "-h")
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "coopress: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	inv := &invocation{name: args[0], cmd: cmd, stdout: stdout, stderr: stderr}
	err := inv.exec(ctx, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		name := args[0]
		var ce *commandError
		if errors.As(err, &ce) {
			name, err = ce.name, ce.err
		}
		fmt.Fprintf(stderr, "coopress %s: %v\n", name, err)
		return 1
	}
	return 0
}

// isHelp reports whether arg asks for help rather than naming something.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "--help" || arg == "-help"
}

// usage lists the commands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: coopress COMMAND [SUBCOMMAND] [flags] [ARGS]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nEvery command that uses the database takes --data DIR and --database URL.\n"+
		"Run `coopress help COMMAND` or `coopress COMMAND -h` for its flags.")
}
