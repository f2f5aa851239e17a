package web

import (
	"net/http"

	"github.com/coopress/coopress/internal/society"
)

// adminRegisterPDF sends the whole register as of the day as PDF, for
// printing or to hand to an auditor: every column, former members, and
// on every page the as-of day and its number.
func (s *Server) adminRegisterPDF(w http.ResponseWriter, r *http.Request) error {
	return s.registerPDF(w, r, "register-of-members", (*society.Service).WriteRegisterPDF)
}
