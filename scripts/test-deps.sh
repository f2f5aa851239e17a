#!/usr/bin/env bash
# Installs what `make test` needs on a fresh machine of this kind. Each step
# is skipped when its tool is already there, so a second run costs nothing.
# With --runner-only it installs only gotestsum, all that `make check` needs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions of Go programs, built into the project's own bin/: the test
# runner that counts tests and lists skips with their reasons, and the real
# local servers the tests start on loopback (Stripe's API mock and a mail
# catcher).
runner() {
  mkdir -p bin
  [ -x bin/gotestsum ] || { echo "test-deps: go install gotestsum"; GOBIN="$PWD/bin" go install gotest.tools/gotestsum@v1.13.0; }
}
servers() {
  mkdir -p bin
  [ -x bin/stripe-mock ] || { echo "test-deps: go install stripe-mock"; GOBIN="$PWD/bin" go install github.com/stripe/stripe-mock@v0.203.0; }
  [ -x bin/mailpit ] || { echo "test-deps: go install mailpit"; GOBIN="$PWD/bin" go install github.com/axllent/mailpit@v1.33.1; }
  [ -x bin/versitygw ] || { echo "test-deps: go install versitygw (S3 gateway, about a minute)"; GOBIN="$PWD/bin" go install github.com/versity/versitygw/cmd/versitygw@v1.8.0; }
}
if [ "${1:-}" = --runner-only ]; then
  runner
  exit 0
fi

apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || apt_missing+=(postgresql)
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test-deps: apt-get install ${apt_missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
  else
    echo "test-deps: missing ${apt_missing[*]} and not root; those tests will skip (or fail under CI=true)" >&2
  fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "test-deps: npm ci (axe-core)"
  npm ci --no-audit --no-fund --silent
fi

runner
servers
