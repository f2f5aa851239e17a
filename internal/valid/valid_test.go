package valid

import (
	"errors"
	"fmt"
	"testing"
)

func TestAsFindsWrappedErrors(t *testing.T) {
	sentinel := errors.New("too large")
	cases := []struct {
		name      string
		err       error
		wantOK    bool
		wantField string
		wantIs    error
	}{
		{"plain", New("amount", "must be more than zero"), true, "amount", nil},
		{"wrapped", fmt.Errorf("fund: record: %w", New("method", "choose one")), true, "method", nil},
		{"with cause", Error{Field: "file", Message: "is too large", Cause: sentinel}, true, "file", sentinel},
		{"joined", errors.Join(errors.New("other"), New("email", "is taken")), true, "email", nil},
		{"other error", errors.New("disk full"), false, "", nil},
		{"nil", nil, false, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, ok := As(c.err)
			if ok != c.wantOK || v.Field != c.wantField {
				t.Fatalf("As(%v) = %+v, %v; want field %q, %v", c.err, v, ok, c.wantField, c.wantOK)
			}
			if c.wantIs != nil && !errors.Is(c.err, c.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", c.err, c.wantIs)
			}
		})
	}
	if got := New("amount", "must be more than zero").Error(); got != "amount: must be more than zero" {
		t.Errorf("Error() = %q", got)
	}
}
