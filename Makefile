# coopress: `make run` serves the demo site, `make test` runs the whole suite.
SHELL := /bin/bash
GO    ?= go
BIN   := $(CURDIR)/bin
export PATH := $(BIN):$(PATH)
export GOFLAGS := -buildvcs=false

.PHONY: run build test test-deps vet bench clean

# make run ADDR=127.0.0.1:9090 DATA=./other overrides where it listens and
# keeps its data; unset, COOPRESS_ADDR and COOPRESS_DATA apply, then the
# defaults. Demo content is asked for only while there is no database yet
# (serve --demo refuses a database that has content), and never with
# COOPRESS_DATABASE_URL set.
ADDR ?= $(or $(COOPRESS_ADDR),127.0.0.1:8080)
DATA ?= $(or $(COOPRESS_DATA),./data)

run: build
	$(BIN)/coopress serve --addr $(ADDR) --data $(DATA) $(if $(COOPRESS_DATABASE_URL),,$(if $(wildcard $(DATA)/coopress.db),,--demo))

# -buildvcs=false (above) leaves no commit in the build info, so the version
# comes from git describe.
build:
	$(GO) build -ldflags "-X main.version=$$(git describe --tags --always --dirty 2>/dev/null || echo unknown)" -o $(BIN)/coopress ./cmd/coopress

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
