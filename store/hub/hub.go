// Package hub is the district hub's store: the clinics, their enrolled laptops and everything the
// laptops synced, in PostgreSQL (pgx). It implements the hub's side of the sync protocol
// (store/syncwire: Join, Push, Pull, Status) and the district's questions (Stock, StockOuts,
// Expiring, Clinics), and the district's users. It knows nothing of HTTP (ui/hubweb serves it).
//
// The rules (ids, the hub sequence, per-field merge, clones and restores) are written down in
// docs/ARCHITECTURE.md, "Sync".
package hub

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"medinventory/assets/i18n"
	"medinventory/store/syncwire"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Hub is an open hub database. It is safe for concurrent use.
type Hub struct {
	pool *pgxpool.Pool
	id   string
	// beforeCommit, when set (tests), runs inside Push's transaction just before it commits.
	beforeCommit func(ctx context.Context, req *syncwire.PushRequest)
}

// Error is a refusal the laptop or the person can act on: Code is one of syncwire's error codes
// ("token", "code_used", "code_unknown", "clone", "bad_request"), Message plain words.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

func refuse(code, message string) error { return &Error{Code: code, Message: message} }

// Open connects to the hub's PostgreSQL database (a URL such as
// postgres://user:pass@host/db or postgres:///db?host=/run/postgresql) and makes or migrates its
// schema.
func Open(ctx context.Context, databaseURL string) (*Hub, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", i18n.T("The database address %q is not a PostgreSQL URL (postgres://USER:PASSWORD@HOST/DB).", redactURL(databaseURL)), err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", i18n.T("cannot reach the hub database at %s (is PostgreSQL running there, and are the address, user and password right?)", redactURL(databaseURL)), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("%s: %w", i18n.T("cannot reach the hub database at %s (is PostgreSQL running there, and are the address, user and password right?)", redactURL(databaseURL)), err)
	}
	h := &Hub{pool: pool}
	if err := h.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'hub_id'").Scan(&h.id); err != nil {
		pool.Close()
		return nil, fmt.Errorf("reading the hub's id: %w", err)
	}
	return h, nil
}

// Close closes the connections.
func (h *Hub) Close() { h.pool.Close() }

// ID is the hub's own id, made once when its schema is made.
func (h *Hub) ID() string { return h.id }

// migrate applies the embedded migrations not yet applied, each in its own transaction, under an
// advisory lock so that two hubs starting on one database do not race.
func (h *Hub) migrate(ctx context.Context) error {
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	const lockKey = 0x6d6564696e76 // "medinv"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return fmt.Errorf("locking the hub schema: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", lockKey)
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("making the hub schema: %w", err)
	}
	var have int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	latest := 0
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: no version number", name)
		}
		latest = v
		if v <= have {
			continue
		}
		body, _ := migrationFiles.ReadFile(name)
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			if v == 1 {
				if _, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('hub_id', $1)", uuid.NewString()); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", v)
			return err
		})
		if err != nil {
			return fmt.Errorf("hub schema migration %s: %w", base, err)
		}
	}
	if have > latest {
		return errors.New(i18n.T("The hub database has schema version %d, newer than this program knows (%d): run a newer medinventory.", have, latest))
	}
	return nil
}

// randomCode is n characters from an alphabet without look-alikes (no 0/O, 1/I/L), for codes
// people type.
func randomCode(n int) string {
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	out := make([]byte, 0, n)
	var b [1]byte
	for len(out) < n {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		if int(b[0]) < 256-256%len(alphabet) { // no bias towards the first letters
			out = append(out, alphabet[int(b[0])%len(alphabet)])
		}
	}
	return string(out)
}

// redactURL hides a password in a database URL for messages.
func redactURL(s string) string {
	cfg, err := pgx.ParseConfig(s)
	if err != nil || cfg.Password == "" {
		return s
	}
	return strings.Replace(s, cfg.Password, "***", 1)
}

var errNoRows = pgx.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
