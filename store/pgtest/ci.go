//go:build ci

package pgtest

// mustRun: under -tags ci a missing PostgreSQL fails the test instead of skipping it.
const mustRun = true
