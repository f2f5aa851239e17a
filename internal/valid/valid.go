// Package valid holds the one error type that every domain returns for
// input a person can put right: which field is at fault and what to do
// about it. The web layer shows the message beside that field; the command
// line prints it after the flag's name.
package valid

import "errors"

// Error is a refusal of a person's input. Field names the input at fault
// in the domain's own words ("amount", "email", "slug"); Message says what
// is wrong, written for the person who typed it. Cause, when set, lets
// callers match a reason with errors.Is (media.ErrTooLarge, say).
type Error struct {
	Field   string
	Message string
	Cause   error
}

// Error reads "amount: must be more than zero".
func (e Error) Error() string { return e.Field + ": " + e.Message }

// Unwrap gives the Cause.
func (e Error) Unwrap() error { return e.Cause }

// New is an Error for field with msg.
func New(field, msg string) error { return Error{Field: field, Message: msg} }

// As reports whether err is, or wraps, an Error, and returns it.
func As(err error) (Error, bool) {
	var v Error
	ok := errors.As(err, &v)
	return v, ok
}
