// Package barcode reads the barcodes printed on medicine packs, locally and offline, and parses
// their GS1 data: GTIN, expiry date, lot, serial number, production date and count.
//
// Read looks for GS1 DataMatrix, QR, GS1-128/Code 128 and EAN-13/UPC-A symbols in an
// already-decoded photo. A phone photo is large (12 MP) and the code small (a few percent of the
// frame, at any rotation), and gozxing's DataMatrix detector only finds a code near the centre of
// the image it is given, so Read first locates candidate regions itself: it makes a coarse gray
// copy once, marks cells of high local contrast, groups them into regions (connected cells at a
// few thresholds, then the densest windows at several sizes), estimates each region's rotation
// from its edge directions, and hands gozxing a crop of at most 320×320 px rotated upright, best
// region first; when print next to the code confuses gozxing's corner search, it blanks all but
// the code's own box and tries again. It stops at the first GS1 code carrying a GTIN; otherwise it
// also scans the whole frame for linear codes and QR codes and returns what it found. A context
// bounds the work.
//
// Measured on generated 12 MP photos (BenchmarkRead12MP, one core): every one of 48 read, median
// about 16–27 ms per photo; a photo with no code takes about 230 ms.
//
// ParseGS1 turns a GS1 element string (FNC1/GS-separated, with or without a symbology identifier,
// or the human-readable "(01)…(17)…" form) into a GS1 value, checking the GTIN check digit and the
// dates, and explains in plain words what is wrong with a malformed one.
package barcode
