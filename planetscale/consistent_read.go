package planetscale

import (
	"fmt"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// compareWalks returns "" when two walks over a list agree on its keys and
// on each item's fingerprint, else what differs first: an item the later
// walk found new or changed, or no longer found.
func compareWalks[T any](earlier, later *walk[T], spec *ListSpec[T]) string {
	for _, key := range later.keys {
		before, ok := earlier.seen[key]
		switch now := later.seen[key]; {
		case !ok:
			return fmt.Sprintf("%s appeared", itemName(spec.Noun, key))
		case before != now:
			return fmt.Sprintf("%s changed (%s, then %s)", itemName(spec.Noun, key), sanitize.Line(before), sanitize.Line(now))
		}
	}
	for _, key := range earlier.keys {
		if _, ok := later.seen[key]; !ok {
			return fmt.Sprintf("%s went away", itemName(spec.Noun, key))
		}
	}
	return ""
}
