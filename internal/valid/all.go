package valid

import "errors"

// All lists every Error in err, in order, looking inside errors.Join and
// wrapping, so a form can show each refusal beside its own field rather
// than only the first. It is nil when err holds no Error.
func All(err error) []Error {
	if err == nil {
		return nil
	}
	if v, ok := err.(Error); ok {
		return []Error{v}
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var out []Error
		for _, e := range u.Unwrap() {
			out = append(out, All(e)...)
		}
		return out
	case interface{ Unwrap() error }:
		return All(u.Unwrap())
	}
	var v Error
	if errors.As(err, &v) {
		return []Error{v}
	}
	return nil
}
