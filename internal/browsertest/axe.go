package browsertest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// AxeTags are the rule sets Axe runs: WCAG 2.0, 2.1 and 2.2 at levels A and
// AA, plus axe's best practices (landmarks, one h1, a skip link target),
// which catch most of what a screen-reader user trips over on a news page.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"}

// maxNodes is how many offending elements a Violation keeps: enough to find
// the template that made them, short enough for a failure message.
const maxNodes = 3

// Violation is one axe rule that failed on the page.
type Violation struct {
	ID      string `json:"id"`     // the axe rule, such as "image-alt"
	Impact  string `json:"impact"` // minor, moderate, serious or critical
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Count   int    `json:"count"` // how many elements fail, of which Nodes holds the first few
	Nodes   []Node `json:"nodes"`
}

// Node is one element that fails a rule.
type Node struct {
	Target  []string `json:"target"`  // CSS selectors, the last one inside any frames
	HTML    string   `json:"html"`    // the start of the element's markup
	Summary string   `json:"summary"` // axe's "Fix any of the following" text
}

// String formats v so that the page can be fixed from a failure message
// alone: the rule, why it matters, where, and what to change.
func (v Violation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s): %s — %d element(s) — %s", v.ID, v.Impact, v.Help, v.Count, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&s, "\n    at %s: %s", strings.Join(n.Target, " "), n.HTML)
		if n.Summary != "" {
			fmt.Fprintf(&s, "\n       %s", strings.ReplaceAll(n.Summary, "\n", "\n       "))
		}
	}
	return s.String()
}

// FormatViolations joins violations into one message, one rule per
// paragraph; "" when there are none.
func FormatViolations(vs []Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = "  - " + v.String()
	}
	return strings.Join(parts, "\n")
}

// Axe loads url, injects axe-core from the repository's node_modules and
// returns the violations of the AxeTags rules, none being nil. After
// DisableJavaScript it checks the page as loaded without its scripts. It fails the
// test if axe-core is not installed (run scripts/test-deps.sh).
func (b *Browser) Axe(url string) []Violation {
	b.t.Helper()
	b.Navigate(url)
	return b.AxeHere()
}

// AxeHere is Axe on the page the browser shows now, for a page reached
// by a form's POST, which a URL cannot reload.
func (b *Browser) AxeHere() []Violation {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
	if b.jsOff {
		// axe waits on timers, which never fire while scripts are off. The
		// page was parsed without its scripts and turning them back on does
		// not run them, so axe still sees the script-free page.
		b.setScripts(true)
		defer b.setScripts(false)
	}
	// The source goes in through the DevTools protocol, so a page whose CSP
	// forbids inline scripts gets checked too.
	Eval[bool](b, src+"\n;true")
	tags := `["` + strings.Join(AxeTags, `","`) + `"]`
	js := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
		nodes: v.nodes.slice(0, %d).map(n => ({
			target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : String(t)),
			html: n.html.length > 300 ? n.html.slice(0, 300) + "…" : n.html,
			summary: n.failureSummary || "",
		})),
	})))`, tags, maxNodes)
	vs := Eval[[]Violation](b, js)
	if len(vs) == 0 {
		return nil
	}
	return vs
}

var axeOnce struct {
	sync.Once
	src string
	err error
}

// axeSource reads node_modules/axe-core/axe.min.js once per test binary; it
// is half a megabyte and the same for every page.
func axeSource() (string, error) {
	axeOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			axeOnce.err = err
			return
		}
		path := filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
		b, err := os.ReadFile(path)
		if err != nil {
			axeOnce.err = fmt.Errorf("axe-core missing (run scripts/test-deps.sh or `npm ci`): %w", err)
			return
		}
		axeOnce.src = string(b)
	})
	return axeOnce.src, axeOnce.err
}

// repoRoot walks up from the working directory, which `go test` sets to the
// package's folder, to the folder that holds go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("browsertest: no go.mod above the working directory")
		}
		dir = parent
	}
}
