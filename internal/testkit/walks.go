package testkit

import (
	"slices"
	"strings"
)

// SameWalks reports whether the pages a client asked for (in the order the
// server saw them) are the pages of want, read the same number of times,
// with page 1 first: pages after the first may arrive in any order when the
// client reads them at once.
func SameWalks(got, want []string) bool {
	if len(got) == 0 || len(want) == 0 || got[0] != want[0] {
		return len(got) == 0 && len(want) == 0
	}
	sortedGot, sortedWant := slices.Clone(got), slices.Clone(want)
	slices.Sort(sortedGot)
	slices.Sort(sortedWant)
	return strings.Join(sortedGot, ",") == strings.Join(sortedWant, ",")
}
