package fund

import "fmt"

// ConflictError is a gift offered under a provider reference that is
// already in the ledger with a different amount, currency or method: not a
// harmless repeat, but two different payments claiming one reference, or a
// typing mistake. It carries both entries so the person can see which is
// right; it matches ErrDuplicate with errors.Is, since nothing was added.
// Record holds every conflict it returns (see Hold).
type ConflictError struct {
	// Stored is the entry already in the ledger.
	Stored Entry
	// Attempted is the gift that was refused.
	Attempted Entry
}

// Error names the reference and both entries.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("reference %s is already recorded as entry %d, %s by %s on %s; this gift, %s by %s, differs, so nothing was added; it is held as a conflict on the fund dashboard until the treasurer resolves it",
		e.Stored.ProviderRef, e.Stored.ID, e.Stored.Amount, e.Stored.Method, e.Stored.ReceivedAt.Format("2 Jan 2006"),
		e.Attempted.Amount, e.Attempted.Method)
}

// Is makes a conflict match ErrDuplicate.
func (e *ConflictError) Is(target error) bool { return target == ErrDuplicate }

// CompareDuplicate tells a repeat from a conflict, for a caller whose
// Record returned ErrDuplicate with the stored entry: nil when attempted is
// the same gift again (same amount, currency and method), which is safe to
// treat as done, and a *ConflictError otherwise.
func CompareDuplicate(stored, attempted Entry) error {
	if stored.Amount == attempted.Amount && stored.Method == attempted.Method {
		return nil
	}
	return &ConflictError{Stored: stored, Attempted: attempted}
}
