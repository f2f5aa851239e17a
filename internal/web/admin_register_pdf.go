package web

import (
	"bytes"
	"net/http"

	"github.com/coopress/coopress/internal/society"
)

// adminRegisterPDF sends the whole register as of the day as PDF, for
// printing or to hand to an auditor: every column, former members, and
// on every page the as-of day and its number.
func (s *Server) adminRegisterPDF(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.societyOr404()
	if err != nil {
		return err
	}
	var errs fieldErrors
	asOf := s.asOfParam(r, &errs)
	if len(errs) > 0 {
		return badRequest(errs[0].Message)
	}
	var buf bytes.Buffer
	if err := soc.WriteRegisterPDF(r.Context(), &buf, asOf, society.RegisterPDF{Society: s.site.SocietyName}); err != nil {
		return err
	}
	return sendAttachment(w, "application/pdf", "register-of-members-"+asOf+".pdf", buf.Bytes())
}
