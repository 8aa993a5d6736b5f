// Package analyzer turns a stored photo into medicines: it decodes and prepares the image
// (orientation, resize to what the model sees, JPEG with no metadata), reads barcodes locally
// (subpackage barcode), looks products up in the learned catalog, and asks an OpenAI vision model —
// or any OpenAI-compatible server — for the rest, treating the answer as untrusted input. Errors are
// classified for the job queue (retry, wait, or fail with a reason in plain words).
//
// The analyze job handler (Handler) ties these steps together; it writes its result through the
// store inside the job's completion transaction. The package knows nothing of the user interface.
package analyzer
