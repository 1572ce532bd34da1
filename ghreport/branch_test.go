package ghreport_test

import (
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
)

func TestNormalizeBranch(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"feature/Add_Index": "feature-add-index",
		"fix-123":           "fix-123",
		"Ünïcode branch":    "-n-code-branch",
		"a.b@c":             "a-b-c",
		"":                  "",
	} {
		if got := ghreport.NormalizeBranch(in); got != want {
			t.Errorf("NormalizeBranch(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchBranch(t *testing.T) {
	t.Parallel()
	ps := []string{"main", "feature-add-index", "deploy-fix-1", "Exact_Case", "exact-case"}
	for _, tc := range []struct {
		name, head, prefix string
		branches           []string
		want               string
		ok                 bool
	}{
		{name: "same_name", head: "main", branches: ps, want: "main", ok: true},
		{name: "normalised", head: "feature/Add_Index", branches: ps, want: "feature-add-index", ok: true},
		{name: "with_prefix", head: "fix-1", prefix: "deploy-", branches: ps, want: "deploy-fix-1", ok: true},
		{name: "prefix_normalised_too", head: "Fix/1", prefix: "deploy/", branches: ps, want: "deploy-fix-1", ok: true},
		{name: "prefix_required", head: "fix-1", branches: ps},
		{name: "exact_wins_over_normalised", head: "exact-case", branches: []string{"Exact_Case", "exact-case"}, want: "exact-case", ok: true},
		{name: "first_normalised_match", head: "EXACT.CASE", branches: ps, want: "Exact_Case", ok: true},
		{name: "no_match", head: "feature/other", branches: ps},
		{name: "empty_head", head: "", prefix: "main", branches: ps},
		{name: "no_branches", head: "main"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ghreport.MatchBranch(tc.head, tc.prefix, tc.branches)
			if got != tc.want || ok != tc.ok {
				t.Errorf("MatchBranch(%q, %q) = %q, %v; want %q, %v", tc.head, tc.prefix, got, ok, tc.want, tc.ok)
			}
		})
	}
}
