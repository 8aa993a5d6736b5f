//go:build race

package analyzer

const raceOn = true
