package fund

import (
	"context"
	"fmt"
)

// TargetOrigin says where a month's target came from.
type TargetOrigin string

// The origins of a target: someone set it for the month; it was carried
// over from an earlier month when the campaign began; or nobody has ever
// set a target and it is the built-in default (DefaultTarget, or the one
// given WithDefaultTarget).
const (
	TargetSet       TargetOrigin = "set"
	TargetCarried   TargetOrigin = "carried"
	TargetIsDefault TargetOrigin = "default"
)

// OriginOfTarget reads campaign_target_changes, the record of every target
// set, to tell whether month's target was ever chosen. A campaign begins
// with the latest earlier month's target, so its target was carried over
// when some earlier month's had been set by the time it began.
func (s *Service) OriginOfTarget(ctx context.Context, month string) (TargetOrigin, error) {
	var here, before int
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM campaign_target_changes t JOIN campaigns c ON c.id = t.campaign_id WHERE c.month = $1),
		(SELECT COUNT(*) FROM campaign_target_changes t JOIN campaigns c ON c.id = t.campaign_id
			WHERE c.month < $1 AND t.changed_at <= (SELECT created_at FROM campaigns WHERE month = $1))`,
		month).Scan(&here, &before)
	if err != nil {
		return "", fmt.Errorf("fund: origin of %s target: %w", month, err)
	}
	switch {
	case here > 0:
		return TargetSet, nil
	case before > 0:
		return TargetCarried, nil
	}
	return TargetIsDefault, nil
}
