package web

import (
	"fmt"

	"github.com/coopress/coopress/internal/fund"
)

// importRow is one line of an import file with what the preview says of
// it: the fund reads and checks the line; this is only its wording.
type importRow struct {
	fund.ImportRow
	// Errors are the line's problems, each as "column: message".
	Errors []string
	// Skip says why a line that is right will not be recorded again.
	Skip string
}

// previewRows words the fund's verdict on each line for the preview.
func previewRows(rows []fund.ImportRow) []importRow {
	out := make([]importRow, len(rows))
	for i, r := range rows {
		out[i].ImportRow = r
		for _, p := range r.Problems {
			out[i].Errors = append(out[i].Errors, p.Field+": "+p.Message)
		}
		if r.DuplicateOf != 0 {
			out[i].Skip = fmt.Sprintf("Same reference as line %d: will be skipped.", r.DuplicateOf)
		}
	}
	return out
}
