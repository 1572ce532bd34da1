package ghreport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
)

// table renders n deploy request rows, one per line, as the report does.
func table(n int) string {
	var b strings.Builder
	b.WriteString("### ❌ acme/app: 2 deploy requests need approval\n\n| # | branch | state |\n|---|---|---|\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "| [#%d](https://app.planetscale.com/acme/app/deploy-requests/%d) | `feature-%d` | not approved |\n", 100+i, 100+i, i)
	}
	b.WriteString("\n_Checked 2025-06-01 12:00 UTC._\n")
	return b.String()
}

// rowsTail is the tail the action front end would give: items counted
// among the dropped lines, then a link to the run.
func rowsTail(dropped []string) string {
	n := 0
	for _, l := range dropped {
		if strings.HasPrefix(l, "| [#") {
			n++
		}
	}
	return fmt.Sprintf("… and %d more. [See them all in the run](https://github.com/acme/shop/actions/runs/42).\n", n)
}

func TestFitComment(t *testing.T) {
	t.Parallel()
	marker := Marker("acme", "app")
	code := "<details><summary>Log</summary>\n\n```text\n" + strings.Repeat("line of log output\n", 40) + "```\n</details>\n\nEnd.\n"
	for _, tc := range []struct {
		name  string
		body  string
		tail  func([]string) string
		limit int
	}{
		{name: "fits", body: table(3), tail: rowsTail, limit: 2000},
		{name: "rows_cut_with_caller_tail", body: table(30), tail: rowsTail, limit: 1200},
		{name: "rows_cut_default_tail", body: table(30), limit: 1200},
		{name: "code_fence_and_details_closed", body: code, tail: rowsTail, limit: 500},
		{name: "tilde_fence_closed", body: "~~~~\n" + strings.Repeat("x ``` y\n", 50) + "~~~~\n", limit: 250},
		{name: "wide_characters_counted", body: strings.Repeat("🚫 blocked by #105\n", 40), limit: 300},
		{name: "tail_longer_than_limit", body: table(5), tail: func([]string) string { return strings.Repeat("t", 500) }, limit: 120},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := fitComment(marker, tc.body, tc.tail, tc.limit)
			if n := textLen(got); n > tc.limit {
				t.Errorf("length %d > limit %d", n, tc.limit)
			}
			if !strings.HasPrefix(got, marker+"\n") || !hasMarker(got, marker) {
				t.Errorf("the marker is not on the first line:\n%s", got)
			}
			if c := closers(strings.Split(got, "\n")); c != "" {
				t.Errorf("the cut left blocks open, closed by %q", c)
			}
			testkit.Golden(t, "fit/"+tc.name+".md", got)
		})
	}
}

// TestFitComment_realLimit fills a comment past 65,536 characters.
func TestFitComment_realLimit(t *testing.T) {
	t.Parallel()
	got := FitComment(Marker("acme", "app"), table(1000), rowsTail)
	if n := textLen(got); n > MaxCommentLength || n < MaxCommentLength-300 {
		t.Errorf("length %d, want just under %d", n, MaxCommentLength)
	}
	kept := strings.Count(got, "| [#")
	if want := fmt.Sprintf("… and %d more.", 1000-kept); !strings.Contains(got, want) {
		t.Errorf("no %q in the tail: %q", want, got[len(got)-200:])
	}
}

func TestCloseMarkdown(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ in, want string }{
		"nothing_open":              {"a\n```\ncode\n```\nb", ""},
		"fence_open":                {"a\n```go\ncode", "```\n"},
		"long_fence_open":           {"````\n```\n", "````\n"},
		"indented_code_not_a_fence": {"    ```\nx", ""},
		"details_open_twice":        {"<details>\n<DETAILS open>\n", "</details>\n</details>\n"},
		"details_in_code_ignored":   {"```\n<details>\n```\n", ""},
		"both":                      {"<details>\n~~~\n", "~~~\n</details>\n"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := closers(strings.Split(tc.in, "\n")); got != tc.want {
				t.Errorf("closers(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
