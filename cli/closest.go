package cli

import (
	"cmp"
	"slices"
	"strings"
)

// closest returns up to n of candidates that look like a mistyping of
// name, nearest first: within an edit distance of a third of the name's
// length (at least 2), or starting with the name. Case is ignored.
func closest(name string, candidates []string, n int) []string {
	type match struct {
		name string
		dist int
	}
	lower := strings.ToLower(name)
	limit := max(2, len([]rune(name))/3)
	var matches []match
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := editDistance(lower, strings.ToLower(c))
		if len(lower) >= 3 && strings.HasPrefix(strings.ToLower(c), lower) {
			d = min(d, 1)
		}
		if d <= limit {
			matches = append(matches, match{c, d})
		}
	}
	slices.SortStableFunc(matches, func(a, b match) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.name, b.name))
	})
	out := make([]string, 0, n)
	for _, m := range matches[:min(n, len(matches))] {
		out = append(out, m.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes: how
// many insertions, deletions and substitutions turn one into the other.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
