package society

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// WriteBLT writes an election's counted papers in the BLT format that STV
// counting programs exchange: the candidates and seats, one line per group
// of identical papers ("weight pref pref … 0", candidates numbered from 1
// in ballot order), a line 0, the candidates' names and the title, quoted.
// Groups are written in a sorted order, so the file says nothing of the
// order papers were cast in, and anyone can count it again.
func (e ElectionResult) WriteBLT(w io.Writer) error {
	num := map[int64]int{}
	for i, c := range e.Candidates {
		num[c.ID] = i + 1
	}
	groups := map[string]int{}
	for _, prefs := range e.Preferences {
		var b strings.Builder
		for _, k := range prefs {
			b.WriteString(strconv.Itoa(num[k]))
			b.WriteByte(' ')
		}
		groups[b.String()]++
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%d %d\n", len(e.Candidates), e.Seats)
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		fmt.Fprintf(bw, "%d %s0\n", groups[g], g)
	}
	fmt.Fprintln(bw, "0")
	for _, c := range e.Candidates {
		fmt.Fprintln(bw, bltQuote(c.Name))
	}
	fmt.Fprintln(bw, bltQuote(e.Title))
	return bw.Flush()
}

// bltQuote quotes a name; the format has no escape, so a double quote in
// it becomes a single one.
func bltQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `'`) + `"`
}
