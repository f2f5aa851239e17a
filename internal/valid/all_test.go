package valid

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestAllListsEveryError(t *testing.T) {
	amount, method := New("amount", "enter an amount"), New("method", "choose one")
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"nil", nil, nil},
		{"other", errors.New("disk full"), nil},
		{"one", amount, []string{"amount"}},
		{"wrapped", fmt.Errorf("fund: %w", amount), []string{"amount"}},
		{"joined", errors.Join(amount, method), []string{"amount", "method"}},
		{"joined and wrapped", fmt.Errorf("gift: %w", errors.Join(errors.New("x"), method, fmt.Errorf("y: %w", amount))), []string{"method", "amount"}},
		{"nested joins", errors.Join(errors.Join(amount), errors.Join(method)), []string{"amount", "method"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, v := range All(c.err) {
				got = append(got, v.Field)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("All(%v) fields = %q, want %q", c.err, got, c.want)
			}
		})
	}
}
