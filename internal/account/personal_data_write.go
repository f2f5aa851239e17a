package account

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/coopress/coopress/internal/csvcell"
	"io"
	"strconv"
	"strings"
	"time"
)

// Items lists the whole export as Records, one per item, in the order the
// JSON shows them: the account, its sessions, second factors, email
// preferences and audit entries, then what the other domains keep.
func (x Export) Items() []Record {
	a := x.Account
	roles := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	out := []Record{{Kind: "account", ID: strconv.FormatInt(a.ID, 10), At: a.CreatedAt, Fields: []Field{
		{"email", a.Email}, {"name", a.Name}, {"roles", strings.Join(roles, " ")},
		{"disabled", strconv.FormatBool(a.Disabled)}, {"has_password", strconv.FormatBool(a.HasPassword)}}}}
	for _, s := range x.Sessions {
		out = append(out, Record{Kind: "session", At: s.CreatedAt, Fields: []Field{
			{"last_seen_at", stamp(s.LastSeenAt)}, {"expires_at", stamp(s.ExpiresAt)}, {"ip", s.IP},
			{"user_agent", s.UserAgent}, {"second_factor", string(s.SecondFactor)}}})
	}
	for _, f := range x.SecondFactors {
		out = append(out, Record{Kind: "second factor", ID: strconv.FormatInt(f.ID, 10), At: f.CreatedAt, Fields: []Field{
			{"factor_kind", string(f.Kind)}, {"name", f.Name}, {"last_used_at", stamp(f.LastUsedAt)}}})
	}
	for _, p := range x.Preferences {
		out = append(out, Record{Kind: "email preference", ID: string(p.Kind), Fields: []Field{
			{"label", p.Kind.Label()}, {"allowed", strconv.FormatBool(p.Allowed)}}})
	}
	for _, e := range x.Audit {
		out = append(out, Record{Kind: "audit", ID: strconv.FormatInt(e.ID, 10), At: e.At, Fields: []Field{
			{"action", e.Action}, {"actor", e.ActorName}, {"object", e.ObjectType + " " + e.ObjectID},
			{"before", e.Before}, {"after", e.After}, {"ip", e.IP}}})
	}
	return append(out, x.Records...)
}

// stamp writes a time as RFC 3339 in UTC, or nothing for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// jsonRecord is a Record as the JSON download shows it; fields keep their
// order, which a map would lose.
type jsonRecord struct {
	Kind   string     `json:"kind"`
	ID     string     `json:"id,omitempty"`
	At     string     `json:"at,omitempty"`
	Fields fieldOrder `json:"fields"`
}

type fieldOrder []Field

// MarshalJSON writes the fields as one object, in their order.
func (f fieldOrder) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, fl := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(fl.Name)
		v, _ := json.Marshal(fl.Value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// WriteJSON writes the export as one indented JSON document: when it was
// made, then every item (see Items) with its kind.
func (x Export) WriteJSON(w io.Writer) error {
	doc := struct {
		ExportedAt string       `json:"exported_at"`
		Items      []jsonRecord `json:"items"`
	}{ExportedAt: stamp(x.ExportedAt), Items: []jsonRecord{}}
	for _, r := range x.Items() {
		doc.Items = append(doc.Items, jsonRecord{Kind: r.Kind, ID: r.ID, At: stamp(r.At), Fields: r.Fields})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("account: write export as JSON: %w", err)
	}
	return nil
}

// WriteCSV writes the export as one CSV table, one row per item: kind, id
// and at, then a column for every field name any item has, in the order
// they first appear, empty where an item has no such field.
func (x Export) WriteCSV(w io.Writer) error {
	items := x.Items()
	header := []string{"kind", "id", "at"}
	col := map[string]int{}
	for _, r := range items {
		for _, f := range r.Fields {
			if _, ok := col[f.Name]; !ok {
				col[f.Name] = len(header)
				header = append(header, f.Name)
			}
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("account: write export as CSV: %w", err)
	}
	for _, r := range items {
		row := make([]string, len(header))
		row[0], row[1], row[2] = r.Kind, r.ID, stamp(r.At)
		for _, f := range r.Fields {
			row[col[f.Name]] = csvcell.Safe(f.Value)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("account: write export as CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("account: write export as CSV: %w", err)
	}
	return nil
}
