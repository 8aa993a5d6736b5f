//go:build race

package barcode

const raceOn = true
