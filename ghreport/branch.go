package ghreport

import "strings"

// NormalizeBranch returns name as PlanetScale names branches: lower case,
// every character outside a-z, 0-9 and - replaced by -.
func NormalizeBranch(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// MatchBranch finds the PlanetScale branch a pull request's head branch
// stands for: prefix+prHead itself, else the first of psBranches equal to
// it after NormalizeBranch, so "feature/Add_Index" matches
// "feature-add-index". An empty head matches nothing.
func MatchBranch(prHead, prefix string, psBranches []string) (string, bool) {
	if prHead == "" {
		return "", false
	}
	want := prefix + prHead
	for _, b := range psBranches {
		if b == want {
			return b, true
		}
	}
	norm := NormalizeBranch(want)
	for _, b := range psBranches {
		if NormalizeBranch(b) == norm {
			return b, true
		}
	}
	return "", false
}
