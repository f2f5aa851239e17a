package web

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"html/template"
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/csvcell"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// ballotOpenedPage is shown once, as the answer to opening a ballot: the
// voting codes and the counting key exist nowhere else, so both are in
// the page, the files as data: links that the browser saves without
// asking the server again.
type ballotOpenedPage struct {
	adminFrame
	Ballot society.Ballot
	// Key is the counting key in groups of four; empty when the papers
	// are not sealed.
	Key                string
	CodesURL, KeyURL   template.URL
	CodesFile, KeyFile string
	Electors           int
}

// dataURL is body as a data: link of type mime; base64 keeps every byte
// as it is.
func dataURL(mime string, body []byte) template.URL {
	return template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(body))
}

// adminBallotOpen opens the ballot, sealed unless the secretary chose
// otherwise, and shows once the voting codes (a CSV for mailing) and the
// counting key (printed on the page and as a text file); the page says
// so beforehand.
func (s *Server) adminBallotOpen(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	choice := r.PostFormValue("seal")
	var errs fieldErrors
	seal := map[string]society.Sealing{"yes": society.Sealed, "no": society.Unsealed}[choice]
	if seal == 0 {
		errs.Add("seal", "Choose whether the papers are sealed until the close.")
		return s.renderBallot(w, r, errs, func(p *ballotPage) { p.Seal = "" })
	}
	o, err := soc.OpenBallot(r.Context(), b.ID, seal, actorOf(r))
	if errs.addValidation(err, "") {
		return s.renderBallot(w, r, errs, func(p *ballotPage) { p.Seal = choice })
	} else if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"member", "name", "postal_address", "email", "voting_code"})
	for _, c := range o.Codes {
		_ = cw.Write([]string{strconv.FormatInt(c.Member, 10), csvcell.Safe(c.Name), csvcell.Safe(c.Address),
			csvcell.Safe(c.Email), c.Code})
	}
	cw.Flush()
	id := strconv.FormatInt(b.ID, 10)
	p := &ballotOpenedPage{adminFrame: s.newAdminFrame(r, "Ballot open: "+b.Title), Ballot: o.Ballot,
		Electors: len(o.Codes), CodesFile: "voting-codes-ballot-" + id + ".csv", CodesURL: dataURL("text/csv;charset=utf-8", buf.Bytes())}
	if !o.Key.IsZero() {
		p.Key, p.KeyFile = o.Key.String(), "counting-key-ballot-"+id+".txt"
		p.KeyURL = dataURL("text/plain;charset=utf-8", o.Key.KeyFile(o.Ballot))
	}
	return s.renderAdmin(w, http.StatusOK, "admin_ballot_opened", p)
}

// adminBallotClose closes a ballot whose time is up; a sealed one needs
// the counting key, typed or pasted, or as the key file downloaded at the
// opening (closingKey), which is refused beside its field when it is
// missing, mistyped or another ballot's, and the ballot stays open.
func (s *Server) adminBallotClose(w http.ResponseWriter, r *http.Request) error {
	soc, b, err := s.loadAdminBallot(r)
	if err != nil {
		return err
	}
	form := readCloseKeyForm(r)
	var key society.CountingKey
	source := society.FieldCountingKey
	if b.Sealed {
		key, source, err = closingKey(form)
	}
	if err == nil {
		err = soc.CloseBallot(r.Context(), b.ID, key, actorOf(r))
	}
	var errs fieldErrors
	for _, v := range valid.All(err) {
		field := v.Field
		if field == society.FieldCountingKey {
			field = source
		}
		errs.Add(field, v.Message)
	}
	if len(errs) > 0 {
		return s.renderBallot(w, r, errs, func(p *ballotPage) { p.Key = form.typed })
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/ballots/"+strconv.FormatInt(b.ID, 10)+"/results", http.StatusSeeOther)
	return nil
}
