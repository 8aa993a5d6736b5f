package jobs

// The pool's hot statements, prepared once per database and reused.

import (
	"context"
	"database/sql"
)

type stmtKey struct {
	db    *sql.DB
	query string
}

// prepared returns a cached prepared statement for query on db (nil if preparing failed: the
// caller then runs the query unprepared).
func (p *Pool) prepared(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	k := stmtKey{db, query}
	if s, ok := p.stmts.Load(k); ok {
		return s.(*sql.Stmt)
	}
	s, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if old, loaded := p.stmts.LoadOrStore(k, s); loaded {
		s.Close()
		return old.(*sql.Stmt)
	}
	return s
}

// txQueryRow runs a hot query in tx through a statement prepared earlier (database/sql reuses it
// on the transaction's connection). It never prepares: that needs a connection, and the write
// pool's only connection is the transaction's (waiting for another would deadlock). Statements are
// prepared by prepared or dbQueryRow (before a transaction begins).
func (p *Pool) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if s, ok := p.stmts.Load(stmtKey{p.db, query}); ok {
		return tx.StmtContext(ctx, s.(*sql.Stmt)).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// dbQueryRow runs a hot single-statement query on db through a prepared statement.
func (p *Pool) dbQueryRow(ctx context.Context, db *sql.DB, query string, args ...any) *sql.Row {
	if s := p.prepared(ctx, db, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.QueryRowContext(ctx, query, args...)
}
