package web

import (
	"errors"
	"fmt"
	"testing"

	"github.com/coopress/coopress/internal/valid"
)

func TestAddValidation(t *testing.T) {
	joined := fmt.Errorf("fund: parse: %w", errors.Join(valid.New("amount", "must be more"), valid.New("method", "choose one"), valid.New("amount", "second")))
	cases := []struct {
		name   string
		err    error
		field  string
		wantOK bool
		want   fieldErrors
	}{
		{"not a refusal", errors.New("disk full"), "", false, nil},
		{"nil", nil, "", false, nil},
		{"one, its own field", valid.New("email", "is taken"), "", true, fieldErrors{{"email", "is taken"}}},
		{"one, the caller's field", valid.New("new_password", "too short"), "password", true, fieldErrors{{"password", "too short"}}},
		{"joined: each beside its field, first per field", joined, "", true, fieldErrors{{"amount", "must be more"}, {"method", "choose one"}}},
		{"joined, the caller's field: the first", joined, "file", true, fieldErrors{{"file", "must be more"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got fieldErrors
			ok := got.addValidation(c.err, c.field)
			if ok != c.wantOK || fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("addValidation = %v, %v; want %v, %v", got, ok, c.want, c.wantOK)
			}
		})
	}
}
