package account

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// Audit is the append-only record of who changed what. The database
// refuses UPDATE and DELETE on it, whatever the code does.
type Audit struct {
	db  *db.DB
	now func() time.Time
}

// NewAudit returns the audit log on d.
func NewAudit(d *db.DB, now func() time.Time) *Audit {
	if now == nil {
		now = time.Now
	}
	return &Audit{db: d, now: now}
}

// Entry is one change to record. Before and After are JSON-encoded; pass
// views without secrets (never a password hash). IP, when empty, is taken
// from the Actor.
type Entry struct {
	Actor      Actor
	Action     string
	ObjectType string
	ObjectID   string
	Before     any
	After      any
	IP         string
}

// LogEntry is one recorded change as the log shows it.
type LogEntry struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorName  string
	Action     string
	ObjectType string
	ObjectID   string
	Before     string
	After      string
	IP         string
}

// Record appends e through q: pass the transaction that makes the change,
// so the change and its record are kept or lost together.
func (a *Audit) Record(ctx context.Context, q db.Queryer, e Entry) error {
	before, err := encode(e.Before)
	if err != nil {
		return fmt.Errorf("account: audit %s: before: %w", e.Action, err)
	}
	after, err := encode(e.After)
	if err != nil {
		return fmt.Errorf("account: audit %s: after: %w", e.Action, err)
	}
	if e.IP == "" {
		e.IP = e.Actor.IP
	}
	var actorID sql.NullInt64
	if e.Actor.ID != 0 {
		actorID = sql.NullInt64{Int64: e.Actor.ID, Valid: true}
	}
	name := e.Actor.Name
	if name == "" {
		name = "system"
	}
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, object_id, before_json, after_json, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		db.UTC(a.now()), actorID, name, e.Action, e.ObjectType, e.ObjectID, before, after, e.IP)
	if err != nil {
		return fmt.Errorf("account: audit %s: %w", e.Action, err)
	}
	return nil
}

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// Filter narrows List. Empty fields match everything; Actor matches part of
// the actor's name (an email address) in any case; Since is inclusive and
// Until exclusive.
type Filter struct {
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	Since      time.Time
	Until      time.Time
}

// PerPage is how many entries List returns per page.
const PerPage = 50

// List returns page (from 1) of the entries matching f, newest first, and
// how many match in all.
func (a *Audit) List(ctx context.Context, f Filter, page int) ([]LogEntry, int, error) {
	if page < 1 {
		page = 1
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Actor != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(f.Actor))
		add(`lower(actor_name) LIKE $%d ESCAPE '\'`, "%"+esc+"%")
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = $%d", f.ObjectID)
	}
	if !f.Since.IsZero() {
		add("at >= $%d", db.UTC(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < $%d", db.UTC(f.Until))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := a.db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("account: count audit log: %w", err)
	}
	args = append(args, PerPage, (page-1)*PerPage)
	rows, err := a.db.QueryContext(ctx, fmt.Sprintf(`SELECT id, at, actor_id, actor_name, action, object_type, object_id,
		before_json, after_json, ip FROM audit_log%s ORDER BY id DESC LIMIT $%d OFFSET $%d`, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("account: list audit log: %w", err)
	}
	defer rows.Close()
	var list []LogEntry
	for rows.Next() {
		var e LogEntry
		var actor sql.NullInt64
		if err := rows.Scan(&e.ID, &e.At, &actor, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID, &e.Before, &e.After, &e.IP); err != nil {
			return nil, 0, fmt.Errorf("account: list audit log: %w", err)
		}
		e.ActorID, e.At = actor.Int64, e.At.UTC()
		list = append(list, e)
	}
	return list, total, rows.Err()
}

// Actions lists the distinct actions recorded, for a filter's choices.
func (a *Audit) Actions(ctx context.Context) ([]string, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("account: audit actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
