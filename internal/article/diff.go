package article

import (
	"strconv"
	"strings"
)

// DiffOp is what a diff line does.
type DiffOp int8

// A line is kept, removed from the older text, or added in the newer.
const (
	DiffEqual DiffOp = iota
	DiffDelete
	DiffInsert
)

// DiffLine is one line of a line diff. Old and New are 1-based line
// numbers in each text, 0 where the line is absent from that side.
type DiffLine struct {
	Op       DiffOp
	Text     string
	Old, New int
}

// maxDiffEdits bounds the work of one diff. Beyond it (two unrelated
// texts) the diff gives up on minimality and shows the old text removed
// and the new added, which is still correct and costs nothing.
const maxDiffEdits = 2000

// Diff compares two revisions line by line: the headline, standfirst, slug
// and section first, then the body.
func Diff(a, b Revision) []DiffLine {
	return DiffLines(revisionLines(a), revisionLines(b))
}

func revisionLines(r Revision) []string {
	head := []string{"Headline: " + r.Headline, "Standfirst: " + r.Standfirst, "Slug: " + r.Slug,
		"Section: " + strconv.FormatInt(r.SectionID, 10), ""}
	body := strings.ReplaceAll(r.BodyMD, "\r\n", "\n")
	return append(head, strings.Split(body, "\n")...)
}

// DiffLines is Myers' O(ND) shortest edit script between two lists of
// lines (E. Myers, "An O(ND) Difference Algorithm and Its Variations",
// 1986). A dependency would do the same; this is the 60 lines we need.
func DiffLines(a, b []string) []DiffLine {
	// Common head and tail are cheap to peel off and are most of an
	// article between two saves.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out []DiffLine
	for i := 0; i < pre; i++ {
		out = append(out, DiffLine{DiffEqual, a[i], i + 1, i + 1})
	}
	out = append(out, myers(a[pre:len(a)-suf], b[pre:len(b)-suf], pre)...)
	for i := suf; i > 0; i-- {
		ai, bi := len(a)-i, len(b)-i
		out = append(out, DiffLine{DiffEqual, a[ai], ai + 1, bi + 1})
	}
	return out
}

// myers diffs a and b whose first lines are line off+1 of each text.
func myers(a, b []string, off int) []DiffLine {
	n, m := len(a), len(b)
	maxD := min(n+m, maxDiffEdits)
	center := maxD + 1
	v := make([]int, 2*maxD+3)
	// trace[d] holds v for k in [-d-1, d+1] as it was before step d, which
	// is all the backtrack needs: O(D²) memory, not O(D·(N+M)).
	var trace [][]int
	found := false
	for d := 0; d <= maxD && !found; d++ {
		trace = append(trace, append([]int(nil), v[center-d-1:center+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[center+k-1] < v[center+k+1]) {
				x = v[center+k+1]
			} else {
				x = v[center+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[center+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		var out []DiffLine
		for i, s := range a {
			out = append(out, DiffLine{DiffDelete, s, off + i + 1, 0})
		}
		for j, s := range b {
			out = append(out, DiffLine{DiffInsert, s, 0, off + j + 1})
		}
		return out
	}
	var rev []DiffLine
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		w := trace[d]
		at := func(k int) int { return w[k+d+1] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			rev = append(rev, DiffLine{DiffEqual, a[x-1], off + x, off + y})
			x, y = x-1, y-1
		}
		if d > 0 {
			if x == px {
				rev = append(rev, DiffLine{DiffInsert, b[y-1], 0, off + y})
			} else {
				rev = append(rev, DiffLine{DiffDelete, a[x-1], off + x, 0})
			}
		}
		x, y = px, py
	}
	out := make([]DiffLine, len(rev))
	for i, l := range rev {
		out[len(rev)-1-i] = l
	}
	return out
}
