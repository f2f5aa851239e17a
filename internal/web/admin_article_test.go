package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestNewsroomWorkflowOverHTTP walks an article from a writer's draft to
// publication and correction, checking every refusal on the way.
func TestNewsroomWorkflowOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newNewsroomSite(t, d)
		id := s.create(t, s.writer, s.articleValues("Dockers walk out at Felixstowe", "The port is **closed**."))
		path := "/admin/articles/" + id

		// Another writer may read it but not change or submit it.
		if res := s.do(t, "GET", path, s.other, nil); res.status != 200 || !strings.Contains(res.body, `id="read-only"`) {
			t.Fatalf("other writer GET: %d", res.status)
		}
		if res := s.do(t, "POST", path, s.other, s.articleValues("Hijacked", "x")); res.status != http.StatusForbidden {
			t.Fatalf("other writer save: %d", res.status)
		}
		if res := s.step(t, s.other, id, "submit", nil); res.status != http.StatusForbidden {
			t.Fatalf("other writer submit: %d", res.status)
		}
		// Its writer cannot publish, schedule or correct; the routes refuse.
		for _, action := range []string{"publish", "schedule", "unpublish", "corrections"} {
			if res := s.step(t, s.writer, id, action, nil); res.status != http.StatusForbidden {
				t.Errorf("writer %s: %d", action, res.status)
			}
		}
		if res := s.do(t, "GET", path, s.writer, nil); strings.Contains(res.body, "Publish now") || !strings.Contains(res.body, "Submit for review") {
			t.Errorf("writer's form offers the wrong buttons")
		}
		if res := s.step(t, s.writer, id, "submit", nil); res.status != http.StatusSeeOther {
			t.Fatalf("writer submit: %d %s", res.status, errorSummary(res.body))
		}
		if res := s.do(t, "GET", "/admin/desk", s.editor, nil); !strings.Contains(res.body, "Dockers walk out at Felixstowe") {
			t.Fatal("the submission is not on the desk")
		}
		if status, _, _ := s.get(t, "/article/dockers-walk-out-at-felixstowe"); status != 404 {
			t.Fatalf("unpublished article answers %d", status)
		}
		// The editor edits and publishes.
		form := s.articleValues("Dockers walk out at Felixstowe", "The port is **closed** for a second day.")
		if res := s.do(t, "POST", path, s.editor, form); res.status != http.StatusSeeOther {
			t.Fatalf("editor save: %d %s", res.status, errorSummary(res.body))
		}
		if res := s.step(t, s.editor, id, "publish", nil); res.status != http.StatusSeeOther {
			t.Fatalf("editor publish: %d", res.status)
		}
		status, _, body := s.get(t, "/article/dockers-walk-out-at-felixstowe")
		if status != 200 || !strings.Contains(body, "<strong>closed</strong> for a second day") {
			t.Fatalf("published page: %d", status)
		}
		if res := s.do(t, "POST", path, s.writer, form); res.status != http.StatusForbidden {
			t.Errorf("writer editing a published article: %d", res.status)
		}
		// A correction shows on the page with its date.
		if res := s.step(t, s.editor, id, "corrections", url.Values{"kind": {"correction"}, "correction": {"We gave the wrong port."}}); res.status != http.StatusSeeOther {
			t.Fatalf("correction: %d %s", res.status, errorSummary(res.body))
		}
		_, _, body = s.get(t, "/article/dockers-walk-out-at-felixstowe")
		if !strings.Contains(body, "We gave the wrong port.") || !strings.Contains(body, "Wednesday 6 November 2024") {
			t.Errorf("the correction is not on the page")
		}
		// A slug change redirects with 301.
		form.Set("slug", "felixstowe-strike")
		if res := s.do(t, "POST", path, s.editor, form); res.status != http.StatusSeeOther {
			t.Fatalf("slug change: %d %s", res.status, errorSummary(res.body))
		}
		if status, h, _ := s.get(t, "/article/dockers-walk-out-at-felixstowe"); status != 301 || h.Get("Location") != "/article/felixstowe-strike" {
			t.Errorf("old slug: %d %s", status, h.Get("Location"))
		}
		if res := s.step(t, s.editor, id, "unpublish", nil); res.status != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", res.status)
		}
		if status, _, _ := s.get(t, "/article/felixstowe-strike"); status != 404 {
			t.Errorf("unpublished article answers %d", status)
		}
		// Each change is in the audit log, with who did it.
		var n int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE object_type = 'article'
			AND object_id = $1 AND action IN ('article.create', 'article.submit', 'article.publish', 'article.correction', 'article.unpublish')
			AND actor_id IS NOT NULL`, id).Scan(&n); err != nil || n != 5 {
			t.Errorf("audit entries: %d %v", n, err)
		}
	})
}

// TestRevisionPages shows a diff between two saves and restores the first.
func TestRevisionPages(t *testing.T) {
	s := newNewsroomSite(t, dbtest.SQLite(t))
	id := s.create(t, s.writer, s.articleValues("Budget vote", "Line one\nLine two"))
	if res := s.do(t, "POST", "/admin/articles/"+id, s.writer, s.articleValues("Budget vote", "Line one\nLine 2, amended")); res.status != http.StatusSeeOther {
		t.Fatal(res.status)
	}
	res := s.do(t, "GET", "/admin/articles/"+id+"/revisions", s.writer, nil)
	if res.status != 200 || !strings.Contains(res.body, "<del><span class=\"visually-hidden\">removed: </span>- Line two</del>") ||
		!strings.Contains(res.body, "+ Line 2, amended</ins>") || strings.Contains(res.body, "Restore version") {
		t.Fatalf("revisions page for the writer: %d\n%s", res.status, res.body)
	}
	if res := s.do(t, "GET", "/admin/articles/"+id+"/revisions?from=abc", s.writer, nil); res.status != 422 {
		t.Errorf("bad revision id: %d", res.status)
	}
	res = s.do(t, "GET", "/admin/articles/"+id+"/revisions", s.editor, nil)
	i := strings.LastIndex(res.body, `/restore"`)
	j := strings.LastIndex(res.body[:i], `action="`)
	restore := res.body[j+len(`action="`) : i+len(`/restore`)]
	if r := s.do(t, "POST", restore, s.writer, url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("writer restore: %d", r.status)
	}
	if r := s.do(t, "POST", restore, s.editor, url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("restore %s: %d", restore, r.status)
	}
	if res := s.do(t, "GET", "/admin/articles/"+id, s.editor, nil); !strings.Contains(res.body, "Line one\nLine two</textarea>") {
		t.Errorf("restored body not in the form")
	}
}
