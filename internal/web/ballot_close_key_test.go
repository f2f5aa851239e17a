package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

// closeKeys are the keys a close-form row may send: its own ballot's
// and another sealed ballot's, each as typed and as the downloaded file.
type closeKeys struct {
	own, other         string
	ownFile, otherFile []byte
}

// TestBallotCloseKeyFile: the close form takes the counting key typed,
// as the key file downloaded at the opening, or both when they agree;
// an empty file, a megabyte, a file that is not text, another ballot's
// key file, or a file and a typed key that differ are refused beside the
// field at fault and the ballot stays open; the multipart form is still
// refused from another site. Each row closes its own sealed ballot.
func TestBallotCloseKeyFile(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) { soc = deps.Society }))
	admitMember(t, soc, "Elin Elector", 5)
	by := account.Actor{Name: "secretary"}
	open := func() (int64, society.CountingKey, []byte) {
		t.Helper()
		id, err := soc.CreateBallot(ctx, society.Ballot{Title: "AGM 2024", Meeting: "AGM, Cardiff", RecordDate: "2024-11-01",
			OpensAt: testStart.Add(time.Hour), ClosesAt: testStart.Add(48 * time.Hour),
			Motions: []society.Motion{{Title: "To receive the accounts", Kind: society.Ordinary, NeedNum: 1, NeedDen: 2}}}, by)
		if err != nil {
			t.Fatal(err)
		}
		o, err := soc.OpenBallot(ctx, id, society.Sealed, by)
		if err != nil {
			t.Fatal(err)
		}
		return id, o.Key, o.Key.KeyFile(o.Ballot)
	}
	_, otherKey, otherFile := open()
	notText := bytes.Repeat([]byte{0, 0xff, 'A', 7}, 180)
	rows := []struct {
		name   string
		typed  func(closeKeys) string
		file   func(closeKeys) []byte // nil: no file chosen
		header map[string]string
		status int
		want   []string
	}{
		{name: "the file only", file: func(k closeKeys) []byte { return k.ownFile }, status: http.StatusSeeOther},
		{name: "pasted only", typed: func(k closeKeys) string { return k.own }, status: http.StatusSeeOther},
		{name: "both, the same key", typed: func(k closeKeys) string { return k.own },
			file: func(k closeKeys) []byte { return k.ownFile }, status: http.StatusSeeOther},
		{name: "both, different keys", typed: func(k closeKeys) string { return k.own },
			file:   func(k closeKeys) []byte { return k.otherFile },
			status: http.StatusUnprocessableEntity, want: []string{`id="counting_key-error"`, "the key in the file differ"}},
		{name: "an empty file", file: func(closeKeys) []byte { return []byte{} },
			status: http.StatusUnprocessableEntity, want: []string{`id="counting_key_file-error"`, "That file is empty"}},
		{name: "a 1 MB file", file: func(closeKeys) []byte { return bytes.Repeat([]byte("ABCD-"), 1<<20/5) },
			status: http.StatusUnprocessableEntity, want: []string{`id="counting_key_file-error"`, "too large to be a counting key file"}},
		{name: "a file that is not text", file: func(closeKeys) []byte { return notText },
			status: http.StatusUnprocessableEntity, want: []string{`id="counting_key_file-error"`, "it is not text"}},
		{name: "another ballot's key file", file: func(k closeKeys) []byte { return k.otherFile },
			status: http.StatusUnprocessableEntity, want: []string{`id="counting_key_file-error"`, "not this ballot&#39;s counting key",
				`aria-describedby="counting_key_file-hint counting_key_file-error"`}},
		{name: "the right file from another site", file: func(k closeKeys) []byte { return k.ownFile },
			header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, status: http.StatusForbidden},
	}
	type ballot struct {
		id   int64
		keys closeKeys
	}
	ballots := make([]ballot, len(rows))
	for i := range rows {
		id, key, file := open()
		ballots[i] = ballot{id, closeKeys{own: key.String(), other: otherKey.String(), ownFile: file, otherFile: otherFile}}
	}
	h.clock.Set(testStart.Add(49 * time.Hour))
	sec := h.session(t, h.account(t, account.Secretary))
	page := "/admin/ballots/" + strconv.FormatInt(ballots[0].id, 10)
	runScenarios(t, h, []scenario{{name: "the close form", path: page, token: sec, status: http.StatusOK,
		want: []string{`enctype="multipart/form-data"`, `<label for="counting_key_file">Or the key file</label>`,
			`type="file"`, `aria-describedby="counting_key_file-hint"`}}})
	for i, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			b := ballots[i]
			typed, filename := "", ""
			var file []byte
			if row.typed != nil {
				typed = row.typed(b.keys)
			}
			if row.file != nil {
				file, filename = row.file(b.keys), "counting-key-ballot-"+strconv.FormatInt(b.id, 10)+".txt"
			}
			// With no file chosen a browser sends the part with an empty
			// name and no content, as this does.
			body, ctype := multipartForm(t, []string{"counting_key", typed}, "counting_key_file", filename, file)
			path := "/admin/ballots/" + strconv.FormatInt(b.id, 10)
			sc := scenario{method: "POST", path: path + "/close", token: sec, body: body, contentType: ctype,
				header: row.header, status: row.status, want: row.want}
			if row.status == http.StatusSeeOther {
				sc.location = path + "/results"
			}
			sc.check(t, h.do(t, req{method: sc.method, path: sc.path, token: sc.token, body: sc.body,
				contentType: sc.contentType, header: sc.header}))
			got, err := soc.Ballot(ctx, b.id)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]society.BallotStatus{true: society.Closed, false: society.Open}[row.status == http.StatusSeeOther]; got.Status != want {
				t.Errorf("ballot %d is %s after the close form, want %s", b.id, got.Status, want)
			}
		})
	}
}
