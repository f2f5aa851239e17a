# coopress: `make run` serves the demo site, `make test` runs the whole suite,
# `make check` is the quick gate to pass before every commit.
SHELL := /bin/bash
GO    ?= go
BIN   := $(CURDIR)/bin
export PATH := $(BIN):$(PATH)
export GOFLAGS := -buildvcs=false

.PHONY: run build test test-deps vet bench clean
.PHONY: check fmt lint test-short test-race

# The packages where a data race would cost money or corrupt the database:
# the money path (money, fund, donation, payment), the database layer, the
# web server and the wiring that runs workers beside it.
RACE_PKGS := ./internal/money/ ./internal/fund/ ./internal/donation/ ./internal/payment/ ./internal/db/ ./internal/web/ ./internal/app/

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

# test runs every test on both engines, with the browser and the local
# servers, through gotestsum: one line per package, the failures, every skip
# with its reason, then the counts; gotestsum's closing "DONE N tests…" line
# comes last, and any failure makes the target fail. .ci/run runs `make check`
# first, so go vet and staticcheck are not repeated here.
test: test-deps
	scripts/with-postgres.sh scripts/gotest.sh -count=1 -timeout 20m ./...

# check is the gate before a commit, SQLite only and about a minute warm:
# formatting, go vet, staticcheck with every check, and the short tests
# (-short skips the PostgreSQL halves, the browser and the external servers).
check: fmt vet lint test-short

fmt:
	@out=$$(gofmt -l cmd internal); \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting (gofmt -w):"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint:
	$(GO) tool staticcheck -checks all ./...

test-short:
	@scripts/test-deps.sh --runner-only
	scripts/gotest.sh --hide-skips -short -count=1 ./...

# test-race runs the packages above under the race detector, on both engines.
test-race: test-deps
	scripts/with-postgres.sh $(GO) test -race -count=1 -timeout 30m $(RACE_PKGS)

# bench measures pages against nginx; it installs nginx and wrk when missing.
bench: build
	@command -v nginx >/dev/null && command -v wrk >/dev/null || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null; }
	NO_BUILD=1 bench/run.sh

clean:
	rm -rf $(BIN) node_modules bench/out
