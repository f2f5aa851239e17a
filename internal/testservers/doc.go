// Package testservers starts real local servers for tests: mailpit,
// stripe-mock and an S3-compatible gateway (versitygw).
//
// Tests talk to the same protocols production does (SMTP, Stripe's HTTP
// API) instead of to fakes written here, so what passes here has been
// spoken to a real implementation. Each server is a pinned binary that
// `make test` installs into the repository's bin/ (scripts/test-deps.sh),
// started on free loopback ports with its state in the test's temporary
// directory, and stopped when the test ends. When a binary is missing a test
// skips loudly, and under CI=true it fails instead; under go test -short it
// always skips, quietly.
package testservers
