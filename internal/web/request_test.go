package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// statusOf is the status the handler adapter would give err: 0 for nil.
func statusOf(err error) int {
	var he *httpError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &he):
		return he.Status
	}
	return http.StatusInternalServerError
}

func TestPathID(t *testing.T) {
	cases := []struct {
		value      string
		want       int64
		wantStatus int
	}{
		{"1", 1, 0},
		{"42", 42, 0},
		{"9223372036854775807", 9223372036854775807, 0},
		{"", 0, 404},
		{"0", 0, 404},
		{"-3", 0, 404},
		{"abc", 0, 404},
		{"1.5", 0, 404},
		{"+7", 7, 0}, // ParseInt reads a plus sign; the same row either way
		{"9223372036854775808", 0, 404},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/admin/users/x", nil)
			r.SetPathValue("id", c.value)
			got, err := pathID(r, "id")
			if got != c.want || statusOf(err) != c.wantStatus {
				t.Fatalf("pathID(%q) = %d, %v; want %d, status %d", c.value, got, err, c.want, c.wantStatus)
			}
		})
	}
}

func TestPageParam(t *testing.T) {
	cases := []struct {
		query      string
		want       int
		wantStatus int
	}{
		{"", 1, 0},
		{"?page=", 1, 0},
		{"?page=1", 1, 0},
		{"?page=7", 7, 0},
		{"?page=1000000", 1_000_000, 0},
		{"?page=1000001", 0, 400},
		{"?page=0", 0, 400},
		{"?page=-1", 0, 400},
		{"?page=abc", 0, 400},
		{"?page=2.0", 0, 400},
		{"?page=99999999999999999999", 0, 400},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			got, err := pageParam(httptest.NewRequest("GET", "/search"+c.query, nil))
			if got != c.want || statusOf(err) != c.wantStatus {
				t.Fatalf("pageParam(%q) = %d, %v; want %d, status %d", c.query, got, err, c.want, c.wantStatus)
			}
		})
	}
}

func TestMonthParam(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query      string
		wantMonth  string
		wantStart  time.Time
		wantStatus int
	}{
		{"", "2024-11", time.Date(2024, 11, 1, 0, 0, 0, 0, london), 0},
		{"?month=", "2024-11", time.Date(2024, 11, 1, 0, 0, 0, 0, london), 0},
		// British Summer Time: July starts at 23:00 UTC on 30 June.
		{"?month=2024-07", "2024-07", time.Date(2024, 6, 30, 23, 0, 0, 0, time.UTC), 0},
		{"?month=2024-13", "", time.Time{}, 400},
		{"?month=2024-00", "", time.Time{}, 400},
		{"?month=2024-1", "", time.Time{}, 400},
		{"?month=2024-11-01", "", time.Time{}, 400},
		{"?month=november", "", time.Time{}, 400},
		{"?month=%202024-11", "", time.Time{}, 400},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			month, start, err := monthParam(httptest.NewRequest("GET", "/fund"+c.query, nil), london, "2024-11")
			if month != c.wantMonth || !start.Equal(c.wantStart) || statusOf(err) != c.wantStatus {
				t.Fatalf("monthParam(%q) = %q, %v, %v; want %q, %v, status %d", c.query, month, start, err, c.wantMonth, c.wantStart, c.wantStatus)
			}
		})
	}
}
