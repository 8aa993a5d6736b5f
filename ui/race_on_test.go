//go:build race

package ui

// raceOn: the test binary has the race detector.
const raceOn = true
