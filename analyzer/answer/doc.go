// Package answer turns a vision model's answer about one photo into a Result: the answer is
// untrusted input (text printed on a package can try to steer the model), so Validate reads it as
// JSON of the answer schema's shape, keeps at most MaxMedicines medicines, cleans and caps every
// text, checks GTIN check digits, reads expiry dates as YYYY-MM-DD and normalises strengths, and
// says in Result.Notes what it dropped or changed that a reviewer should know about. The fields a
// medicine has come from the field table (store/fields).
//
// It is pure computation with few dependencies, apart from package analyzer (which asks the model
// and hands its text here), so that its fuzz test (FuzzValidate) builds quickly.
package answer
