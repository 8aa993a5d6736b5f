// Package analyzer reads medicine packages from a photo with a vision model: it decodes and
// prepares the image (orientation, resize to exactly what the model sees, JPEG with no metadata),
// asks an OpenAI vision model — or any OpenAI-compatible server — what the packages say, and treats
// the answer as untrusted input (bounded, normalised, validated). Errors are classified as an
// *Error: retry, wait (no network, no key, circuit open: the reasons are package analyzer/wait's) or
// fail, with a reason in plain words; the analyze job translates that for the job queue. The fields the model is asked for, and how its answer is read,
// come from the field table (store/fields); what counts as a photo from store/photo.
//
// It knows nothing of the database, the job queue or the user interface: the analyze job that ties it to the store
// and the queue is package analyzer/pipeline; barcodes are package analyzer/barcode.
package analyzer
