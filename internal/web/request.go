package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/fund"
)

// This file reads the parts of a request that many pages share: ids in the
// path, ?page= and ?month=. Each has one reading and one refusal, so that
// the same junk gets the same answer on every page.

// maxPage bounds ?page=: page × per-page stays far from overflowing, and a
// million pages is more than any list here holds (the audit log, at 50 a
// page, would need fifty million entries).
const maxPage = 1_000_000

// pathID reads the positive integer id in the path wildcard name. Anything
// else is a 404: an address with a malformed id names no page.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// pageParam reads ?page=, 1 when absent or empty. Junk, zero, negative
// numbers and pages beyond maxPage are a 400 that says what to send.
func pageParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		return 0, badRequest("The page number must be a whole number from 1 to 1,000,000.")
	}
	return n, nil
}

// monthParam reads ?month= as YYYY-MM in loc, giving current when it is
// absent or empty; start is the first instant of the month in loc. A month
// written any other way is a 400 with the format to use. The format is the
// fund's (fund.ParseMonth), so a month the page accepts is one the ledger
// knows.
func monthParam(r *http.Request, loc *time.Location, current string) (month string, start time.Time, err error) {
	month = r.URL.Query().Get("month")
	if month == "" {
		month = current
	}
	start, err = fund.ParseMonth(month, loc)
	if err != nil {
		return "", time.Time{}, badRequest("Give the month as a year and month, such as 2024-11.")
	}
	return month, start, nil
}
