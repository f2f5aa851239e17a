package society

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"

	"github.com/coopress/coopress/internal/csvcell"
)

// officersCSVHeader names the register of officers' CSV columns.
var officersCSVHeader = []string{"id", "name", "office", "postal_address", "member_number", "appointed_on",
	"ended_on", "end_reason"}

// WriteOfficersCSV writes the register of officers as of asOf to w as
// CSV with a header: those in office, then former officers.
func (s *Service) WriteOfficersCSV(ctx context.Context, w io.Writer, asOf string) error {
	current, former, err := s.OfficerRegister(ctx, asOf)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(officersCSVHeader); err != nil {
		return err
	}
	for _, o := range append(current, former...) {
		member := ""
		if o.Member != 0 {
			member = strconv.FormatInt(o.Member, 10)
		}
		// What the secretary typed can begin like a formula.
		if err := cw.Write([]string{strconv.FormatInt(o.ID, 10), csvcell.Safe(o.Name), csvcell.Safe(o.Office),
			csvcell.Safe(o.Address), member, o.AppointedOn, o.EndedOn, csvcell.Safe(o.EndReason)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
