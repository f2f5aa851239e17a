package testservers

import (
	"io"
	"net/http"
	"net/url"
	"testing"
)

// Attachment is a file attached to a mail, as mailpit reports it.
type Attachment struct {
	PartID      string
	FileName    string
	ContentType string
	Size        int
}

// Attachments lists the files attached to mail id, in order.
func (m *Mailpit) Attachments(t testing.TB, id string) []Attachment {
	t.Helper()
	var msg struct{ Attachments []Attachment }
	m.getJSON(t, "/api/v1/message/"+url.PathEscape(id), &msg)
	return msg.Attachments
}

// AttachmentData returns the decoded bytes of one attached file.
func (m *Mailpit) AttachmentData(t testing.TB, id string, a Attachment) []byte {
	t.Helper()
	path := "/api/v1/message/" + url.PathEscape(id) + "/part/" + url.PathEscape(a.PartID)
	resp, err := m.http.Get(m.api + path)
	if err != nil {
		t.Fatalf("mailpit: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit: GET %s: %s %v", path, resp.Status, err)
	}
	return b
}
