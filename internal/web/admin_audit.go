package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/account"
)

// auditPage is the filtered, paginated audit log.
type auditPage struct {
	adminFrame
	Actor, Action, Object, Since, Until string
	Actions                             []string
	Entries                             []auditRow
	Total, Page, Pages                  int
	PrevURL, NextURL                    string
}

// auditRow is one entry as the table shows it, in the paper's zone.
type auditRow struct {
	account.LogEntry
	When string
}

// adminAudit shows the log. Filters arrive in the query string, so a
// filtered view can be bookmarked or sent to a colleague. object is
// "type" or "type:id"; dates are days in the publication's zone, both
// inclusive.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := &auditPage{adminFrame: s.newAdminFrame(r, "Audit log"), Page: 1}
	text := func(field, label string) string {
		v := strings.TrimSpace(q.Get(field))
		if !utf8.ValidString(v) || len(v) > 200 {
			p.Errors.Add(field, label+" could not be read; use up to 200 ordinary characters.")
			return ""
		}
		return v
	}
	p.Actor, p.Action, p.Object = text("actor", "The person"), text("action", "The action"), text("object", "The object")
	f := account.Filter{Actor: p.Actor, Action: p.Action}
	f.ObjectType, f.ObjectID, _ = strings.Cut(p.Object, ":")
	day := func(field, label string) time.Time {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, s.site.Location)
		if err != nil {
			p.Errors.Add(field, label+" must be a date written as YYYY-MM-DD, such as 2024-11-06.")
			return time.Time{}
		}
		return t
	}
	p.Since, p.Until = q.Get("since"), q.Get("until")
	f.Since = day("since", "From")
	if until := day("until", "To"); !until.IsZero() {
		f.Until = until.AddDate(0, 0, 1)
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	p.Page = page
	actions, err := s.accounts.Audit().Actions(r.Context())
	if err != nil {
		return err
	}
	p.Actions = actions
	if len(p.Errors) > 0 {
		return s.renderAdmin(w, http.StatusUnprocessableEntity, "admin_audit", p)
	}
	list, total, err := s.accounts.Audit().List(r.Context(), f, p.Page)
	if err != nil {
		return err
	}
	p.Total, p.Pages = total, (total+account.PerPage-1)/account.PerPage
	for _, e := range list {
		p.Entries = append(p.Entries, auditRow{LogEntry: e, When: e.At.In(s.site.Location).Format("2 Jan 2006 15:04:05 MST")})
	}
	link := func(page int) string {
		v := url.Values{}
		for _, k := range []string{"actor", "action", "object", "since", "until"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("page", strconv.Itoa(page))
		return "/admin/audit?" + v.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	return s.renderAdmin(w, http.StatusOK, "admin_audit", p)
}
