// Package syncwire is the sync protocol between a laptop and the district hub: the messages both
// sides send, as JSON over HTTP(S), gzip-compressed both ways. It holds types and constants only;
// the hub (PostgreSQL) and the laptop's client (SQLite) each implement their side. The protocol's
// rules are written down in docs/ARCHITECTURE.md ("Sync").
//
// Every row travels with its global id (a UUIDv7) and the id of the device that made it, so a row
// sent twice is stored once. Movements are append-only and immutable once confirmed; products and
// lots change by field edits, each naming the edit it was based on, so two edits made before either
// laptop saw the other are detected and kept as a conflict instead of one overwriting the other.
package syncwire

// Version is the protocol's version; a hub refuses a laptop speaking another with 426 and
// ErrorResponse{Code: "version"}.
const Version = 1

// The endpoints, under the hub's URL. All but Enrol need "Authorization: Bearer <device token>".
const (
	PathEnrol  = "/api/v1/enrol"  // POST EnrolRequest → EnrolResponse
	PathPush   = "/api/v1/push"   // POST PushRequest → PushResponse
	PathPull   = "/api/v1/pull"   // POST PullRequest → PullResponse
	PathStatus = "/api/v1/status" // GET → StatusResponse
)

// HeaderVersion carries Version on every request.
const HeaderVersion = "X-Medinventory-Sync"

// EnrolRequest joins a laptop to a clinic with a one-time code printed by `hub enrol`.
type EnrolRequest struct {
	Code       string `json:"code"`
	DeviceID   string `json:"device_id"`   // the laptop's device id (store.DeviceID)
	DeviceName string `json:"device_name"` // the computer's name, for the district pages
	DataID     string `json:"data_id"`     // the data folder's identity (data_identity.id)
}

// EnrolResponse gives the laptop its token (kept in the OS keyring) and its clinic.
type EnrolResponse struct {
	Token      string `json:"token"`
	HubID      string `json:"hub_id"`
	ClinicID   string `json:"clinic_id"`
	ClinicName string `json:"clinic_name"`
}

// Product is a product's identity as it travels; its changeable fields travel as Edits.
type Product struct {
	UUID     string `json:"uuid"`
	DeviceID string `json:"device_id"`
	GTIN     string `json:"gtin,omitempty"` // the same GTIN made on two laptops is one product (see ARCHITECTURE.md)
	NameKey  string `json:"name_key,omitempty"`
	Created  int64  `json:"created"` // Unix ms
}

// Line is one lot of a product (a stock line): its identity; its changeable fields travel as Edits.
type Line struct {
	UUID        string `json:"uuid"`
	DeviceID    string `json:"device_id"`
	ProductUUID string `json:"product_uuid"`
	Lot         string `json:"lot"`
	Expiry      string `json:"expiry"` // YYYY-MM-DD or ""
	Location    string `json:"location"`
	Created     int64  `json:"created"`
}

// Movement is one confirmed row of the ledger. Pending receipts (a photo not yet reviewed) stay on
// the laptop; a movement travels once it is confirmed, and never changes after.
type Movement struct {
	UUID         string `json:"uuid"`
	DeviceID     string `json:"device_id"`
	LineUUID     string `json:"line_uuid"`
	Kind         string `json:"kind"`
	Reason       string `json:"reason,omitempty"`
	Quantity     int64  `json:"quantity"`          // signed, in the product's dispensing units
	Counted      *int64 `json:"counted,omitempty"` // a count: the number counted; a convert: the balance it converted (old unit)
	At           int64  `json:"at"`                // when it happened, Unix ms
	RecordedAt   int64  `json:"recorded_at"`
	Note         string `json:"note,omitempty"`
	ReversesUUID string `json:"reverses_uuid,omitempty"`
	BatchID      string `json:"batch_id,omitempty"`
}

// Edit is one change of one field of a product or a lot ("name", "reorder_level", "location",
// "unit", "pack_size"…). Base is the UUID of the edit this one was made on top of ("" when the
// field had never been edited): the hub applies an edit whose Base is the field's current edit, and
// records any other whose value differs as a Conflict for a person to settle.
type Edit struct {
	UUID       string `json:"uuid"`
	DeviceID   string `json:"device_id"`
	Entity     string `json:"entity"` // "product" or "line"
	EntityUUID string `json:"entity_uuid"`
	Field      string `json:"field"`
	Value      string `json:"value"`
	Base       string `json:"base,omitempty"`
	At         int64  `json:"at"`
}

// PushRequest sends what the laptop recorded since the hub last acknowledged. Rows are sent in the
// order they were recorded; a batch is stored whole or not at all.
type PushRequest struct {
	DeviceID  string     `json:"device_id"`
	DataID    string     `json:"data_id"`
	Products  []Product  `json:"products,omitempty"`
	Lines     []Line     `json:"lines,omitempty"`
	Movements []Movement `json:"movements,omitempty"`
	Edits     []Edit     `json:"edits,omitempty"`
	// Through is the laptop's own outbox position of the last row in this batch; the hub echoes it
	// back, and only then does the laptop advance its push cursor.
	Through int64 `json:"through"`
}

// PushResponse acknowledges a push.
type PushResponse struct {
	Through   int64      `json:"through"`
	Stored    int        `json:"stored"`    // rows new to the hub
	Duplicate int        `json:"duplicate"` // rows the hub already had (a push sent twice)
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Restored: Through was below the last one the hub acknowledged for this device, so the
	// laptop's data went back in time (a restored backup). The rows were stored by UUID as always
	// (re-sent ones are duplicates). The laptop should pull once from After 0 with IncludeOwn, to get
	// back the rows it had pushed after that backup (inserting by UUID, ignoring what it has).
	Restored bool `json:"restored,omitempty"`
}

// PullRequest asks for the rows of the laptop's clinic the hub numbered after After.
type PullRequest struct {
	After int64 `json:"after"`
	Limit int   `json:"limit,omitempty"` // the hub caps it (DefaultPullLimit, MaxPullLimit)
	// IncludeOwn: also the rows this device made itself (after a restore from a backup, see
	// PushResponse.Restored). Without it a laptop's own rows are left out.
	IncludeOwn bool `json:"include_own,omitempty"`
}

// The number of rows a pull returns at most: when PullRequest.Limit is 0, and its cap.
const (
	DefaultPullLimit = 2000
	MaxPullLimit     = 10000
)

// PullResponse carries rows from the other laptops of the clinic (a laptop's own rows are left
// out unless IncludeOwn) in the hub's sequence, grouped by kind: apply Products, then Lines, then
// Edits, then Movements, then Conflicts (within one page a row never refers to a row of a later
// page). Next is the sequence to ask after next time (save it only once the page is applied; on
// the last page it is the clinic's latest number, past rows left out as the laptop's own);
// More says another page is waiting. The hub numbers rows in commit order, so a row committed late
// is never skipped. Conflicts come again, with their new state, whenever one changes (an edit
// joins it, or it is settled).
type PullResponse struct {
	Products  []Product  `json:"products,omitempty"`
	Lines     []Line     `json:"lines,omitempty"`
	Movements []Movement `json:"movements,omitempty"`
	Edits     []Edit     `json:"edits,omitempty"`
	Conflicts []Conflict `json:"conflicts,omitempty"`
	Next      int64      `json:"next"`
	More      bool       `json:"more"`
}

// Conflict is two edits of one field made before either side saw the other: both values are kept
// until a person chooses (the choice is itself a new Edit based on both).
type Conflict struct {
	Entity     string `json:"entity"`
	EntityUUID string `json:"entity_uuid"`
	Field      string `json:"field"`
	Edits      []Edit `json:"edits"`
	// SettledBy is the UUID of the edit that settled it ("" while open). An edit whose Base is one
	// of an open conflict's edits settles it and becomes the field's value.
	SettledBy string `json:"settled_by,omitempty"`
}

// StatusResponse tells a laptop about its clinic.
type StatusResponse struct {
	HubID      string   `json:"hub_id"`
	ClinicName string   `json:"clinic_name"`
	Devices    []Device `json:"devices"`
	// Through is the last PushRequest.Through the hub holds for this device. Below the laptop's push
	// cursor, the hub was restored from an older backup and lost pushes: the laptop sends again
	// from Through on (by UUID: nothing is doubled).
	Through int64 `json:"through"`
}

// Device is one laptop enrolled in a clinic.
type Device struct {
	DeviceID   string `json:"device_id"`
	DeviceName string `json:"device_name"`
	LastSync   int64  `json:"last_sync"` // Unix ms, 0 when never
}

// ErrorResponse is the body of every 4xx/5xx answer: a stable code for the program and plain
// words for the person.
type ErrorResponse struct {
	Code    string `json:"code"` // one of the Err… codes below
	Message string `json:"message"`
}

// The codes of ErrorResponse, with the HTTP status each comes with.
const (
	ErrVersion     = "version"      // 426: the laptop speaks another protocol Version: update one of them
	ErrToken       = "token"        // 401: no token, or one the hub does not know: join again
	ErrCodeUsed    = "code_used"    // 409: the enrolment code joined another laptop already
	ErrCodeUnknown = "code_unknown" // 404: no such enrolment code
	// ErrClone (409): the device id is enrolled with another data folder (DataID): a copied data
	// folder. Nothing was stored; the laptop takes a new device id and joins again with a new code.
	ErrClone      = "clone"
	ErrBadRequest = "bad_request" // 400: the request is malformed or breaks a rule; nothing was stored
	ErrTooLarge   = "too_large"   // 413: the body is over MaxBody: send smaller batches
	ErrInternal   = "internal"    // 500: the hub failed (its database is down…): try again later
)

// MaxBody is the most bytes a request body may have, before and after gzip.
const MaxBody = 32 << 20
