// Package barcode reads the barcodes printed on medicine packs, locally and offline, and parses
// their GS1 data: GTIN, expiry date, lot, serial number, production date and count.
//
// Read looks for GS1 DataMatrix, QR, GS1-128/Code 128 and EAN-13/UPC-A/EAN-8 symbols in an
// already-decoded photo. It never does less than gozxing used plainly (the whole frame, every
// reader, TRY_HARDER) and adds to it:
//   - the whole frame on a white margin, squared, enlarged when tiny and reduced when large
//     (gozxing's DataMatrix detector needs a quiet zone all round; with one it reads skewed,
//     rectangular (DMRE) and close-up codes it misses otherwise), with the hybrid and a global
//     threshold, and inverted (light on dark);
//   - a region search for codes small in a large photo: a coarse gray copy, cells of high local
//     contrast grouped into regions (connected cells at a few thresholds, then the densest windows
//     at several sizes), each region's rotation from its edge directions, and a crop of at most
//     320×320 px rotated upright handed to gozxing, best region first; the best six again
//     light on dark when nothing was read;
//   - for a small frame in which nothing was read: the frame enlarged 3–4× and sharpened (≤ 200
//     px: a tightly cropped, slightly blurred code of 2–3 px modules), light on dark at every
//     scale (≤ 400 px), and the whole frame turned upright by the direction of its edges (a large
//     code at an angle);
//   - mirrored symbols (printed on clear film, seen from behind): a DataMatrix grid that fails is
//     decoded reflected (dm.go); gozxing's QR decoder tries the mirror itself;
//   - rescues, only when nothing at all was read: a DataMatrix grid that shows its finder but fails
//     error correction is sampled again at the nearest standard sizes (a large multi-region symbol
//     at an angle is counted a few modules off) and with its corners nudged; a QR grid whose
//     format information read is sampled again with its far corner moved and at the sizes either
//     side (strong tilt; qr.go).
//
// A small photo (≤ 3 MP, mostly a close-up) gets the whole-frame passes first, a large one the
// regions first. Read stops at the first GS1 code carrying a GTIN; results are deduplicated and
// ranked (2D/GS1-128 with a GTIN, then EAN/UPC GTINs, then the rest). A context bounds the work.
//
// No false codes: a linear code counts only when two scan lines decode the same text (or, for
// EAN-13/UPC-A and Code 128, a neighbouring line sampled differently agrees), gozxing's readers
// check its quiet zones and check digit, UPC-E (six digits, easily passed by a texture) is not read,
// and a GTIN from a GS1 prefix that is not a trade item (restricted circulation, coupons, refund
// receipts, the unused 00000… range) is reported with a Note and never as a product.
//
// Measured (BenchmarkCorpus, TestSharedCorpusNeverWorseThanPlain, TestHardCases): on ZXing's public
// photos it reads 58 of 59 DataMatrix codes (plain gozxing 41, zxing-cpp 57) and at least as many
// codes as plain gozxing in every folder; on the generated hard cases (tight crops, multi-region
// DataMatrix at an angle, mirrored, inverted, strong tilt) 87 of 90 (plain gozxing 15, zxing-cpp
// 1.4 49); no code on any of the generated images that hold none, look-alikes included.
//
// ParseGS1 turns a GS1 element string (FNC1/GS-separated, with or without a symbology identifier,
// or the human-readable "(01)…(17)…" form) into a GS1 value, checking the GTIN check digit and the
// dates, and explains in plain words what is wrong with a malformed one.
package barcode
