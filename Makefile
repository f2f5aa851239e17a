# coopress: `make run` serves the demo site, `make test` runs the whole suite.
SHELL := /bin/bash
GO    ?= go
BIN   := $(CURDIR)/bin
export PATH := $(BIN):$(PATH)
export GOFLAGS := -buildvcs=false

.PHONY: run build test test-deps vet bench clean

run: build
	$(BIN)/coopress serve --demo --addr 127.0.0.1:8080 --data ./data

build:
	$(GO) build -o $(BIN)/coopress ./cmd/coopress

# test-deps installs what the suite needs on a fresh machine: Debian's
# chromium for the browser tests, PostgreSQL for the store tests, axe-core
# from npm, and the Go tools the tests start (stripe-mock, mailpit) in ./bin.
test-deps:
	@scripts/test-deps.sh

test: test-deps
	$(GO) vet ./...
	scripts/with-postgres.sh $(GO) test -count=1 -timeout 20m ./...

# bench measures pages against nginx; it installs nginx and wrk when missing.
bench: build
	@command -v nginx >/dev/null && command -v wrk >/dev/null || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null; }
	NO_BUILD=1 bench/run.sh

clean:
	rm -rf $(BIN) node_modules bench/out
