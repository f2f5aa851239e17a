package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// accountCertificate sends the signed-in member their own share
// certificate as PDF, for their holding today. The member comes from the
// session's account alone, so no address names anyone else's; a reader
// with no membership, or a former member holding nothing, gets a 404.
func (s *Server) accountCertificate(w http.ResponseWriter, r *http.Request) error {
	soc, err := s.membershipSociety()
	if err != nil {
		return err
	}
	m, err := soc.MemberOf(r.Context(), currentAccount(r).ID)
	if errors.Is(err, society.ErrNotFound) {
		return &httpError{Status: http.StatusNotFound, Message: "You have no membership, so there is no share certificate to download."}
	}
	if err != nil {
		return err
	}
	c, err := soc.Certificate(r.Context(), m.Number, "")
	if _, ok := valid.As(err); ok {
		return &httpError{Status: http.StatusNotFound, Message: "You hold no shares now, so there is no share certificate to download."}
	}
	if err != nil {
		return err
	}
	c.Society = s.site.SocietyName
	var buf bytes.Buffer
	if err := society.WriteCertificate(&buf, c); err != nil {
		return err
	}
	return sendAttachment(w, "application/pdf", "share-certificate-"+strconv.FormatInt(m.Number, 10)+".pdf", buf.Bytes())
}
