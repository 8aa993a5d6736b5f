//go:build !ci

package pgtest

const mustRun = false
