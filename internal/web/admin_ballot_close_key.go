package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// fieldKeyFile is the close form's file input for the counting key file
// downloaded at the opening; the typed key is society.FieldCountingKey.
const fieldKeyFile = "counting_key_file"

// keyFileMax is the largest key file the close form reads. The file
// society.CountingKey.KeyFile writes is under 700 bytes with a long
// title; anything past 4 KB is some other file.
const keyFileMax = 4 << 10

// closeBodyLimit bounds the close form's body: a key file at its
// largest, a pasted one beside it and the multipart framing. The
// middleware's maxBody (1 MB) is far more than a key needs, so this
// route has its own, set there like the imports' (see bodyLimit).
const closeBodyLimit = 3 * keyFileMax

// isBallotClose reports whether r posts a ballot's close form, which
// has its own body limit; the middleware runs before the route table,
// so it matches the path, /admin/ballots/{id}/close, itself.
func isBallotClose(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/admin/ballots/")
	id, closing := strings.CutSuffix(rest, "/close")
	if !ok || !closing {
		return false
	}
	_, err := strconv.ParseInt(id, 10, 64)
	return err == nil
}

// closeKeyForm is what the close form sent: the key as typed and the
// key file's bytes, and which of them were given.
type closeKeyForm struct {
	typed                                   string
	file                                    []byte
	fileGiven, fileTooLarge, fileUnreadable bool
}

// readCloseKeyForm reads the close form, urlencoded or multipart; the
// body limit is the middleware's (closeBodyLimit). A body past it is
// reported as a file too large, since only the file can make it so.
func readCloseKeyForm(r *http.Request) closeKeyForm {
	var f closeKeyForm
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		f.typed = r.PostFormValue(society.FieldCountingKey)
		return f
	}
	if err := r.ParseMultipartForm(closeBodyLimit); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			f.fileGiven, f.fileTooLarge = true, true
		} else {
			f.fileGiven, f.fileUnreadable = true, true
		}
		return f
	}
	f.typed = r.PostFormValue(society.FieldCountingKey)
	file, _, err := r.FormFile(fieldKeyFile)
	if errors.Is(err, http.ErrMissingFile) {
		return f
	}
	f.fileGiven = true
	if err != nil {
		f.fileUnreadable = true
		return f
	}
	defer func(file multipart.File) { _ = file.Close() }(file)
	f.file, err = io.ReadAll(io.LimitReader(file, keyFileMax+1))
	f.fileTooLarge = len(f.file) > keyFileMax
	f.fileUnreadable = err != nil
	return f
}

// closingKey is the counting key from the close form: typed, or from the
// key file, either being enough; both given must be the same key. field
// is where a refusal of the key belongs: beside the file input when the
// key came from the file, so that the ballot's own refusal of it (another
// ballot's key) is shown there too.
func closingKey(f closeKeyForm) (key society.CountingKey, field string, err error) {
	fileBad := func(msg string) (society.CountingKey, string, error) {
		return society.CountingKey{}, fieldKeyFile, valid.Error{Field: fieldKeyFile, Cause: society.ErrCountingKey, Message: msg}
	}
	typedGiven := strings.TrimSpace(f.typed) != ""
	if !f.fileGiven {
		key, err = society.ParseCountingKey(f.typed)
		return key, society.FieldCountingKey, err
	}
	switch {
	case f.fileTooLarge:
		return fileBad("That file is too large to be a counting key file, which is under 1 KB: choose the file " +
			"counting-key-ballot-N.txt downloaded when the ballot opened.")
	case f.fileUnreadable:
		return fileBad("The file did not arrive whole. Choose it again.")
	case len(f.file) == 0:
		return fileBad("That file is empty. Choose the file counting-key-ballot-N.txt downloaded when the ballot opened.")
	case !isText(f.file):
		return fileBad("That file is not a counting key file: it is not text. Choose the file " +
			"counting-key-ballot-N.txt downloaded when the ballot opened.")
	}
	fromFile, err := society.ParseCountingKey(string(f.file))
	if err != nil {
		var v valid.Error
		if errors.As(err, &v) {
			return fileBad("In the file: " + v.Message)
		}
		return society.CountingKey{}, fieldKeyFile, err
	}
	if typedGiven {
		typed, err := society.ParseCountingKey(f.typed)
		if err != nil {
			return typed, society.FieldCountingKey, err
		}
		if typed.String() != fromFile.String() {
			return society.CountingKey{}, society.FieldCountingKey, valid.Error{Field: society.FieldCountingKey,
				Cause: society.ErrCountingKey, Message: "The key typed here and the key in the file differ. " +
					"Give one of them: the file alone, or the key alone."}
		}
	}
	return fromFile, fieldKeyFile, nil
}

// isText reports whether b reads as a text file: UTF-8 with no control
// characters other than line ends and tabs.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}
