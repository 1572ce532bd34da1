package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// FuzzMarkdown: a verdict built from fuzzed branch names, states and URLs,
// with a secret put into one of them, renders with its table intact (every
// row has the 7 cell separators, every line of the table is a row), stays
// under MaxBytes, and never shows the secret the Redactor was given, whole
// or half, escaped or not.
func FuzzMarkdown(f *testing.F) {
	f.Add("feature-1", "main", "ready", "https://app.planetscale.com/acme/shop/deploy-requests/1", uint8(0), uint16(0), false)
	f.Add("a|b\\", "<b>", "rolling_out", "https://x.example/a (b)|c?q=\\`", uint8(3), uint16(2000), true)
	f.Add("pscale_tkn_", "pscale\\_tkn\\_", "|", "https://evil.example/cb?t=", uint8(7), uint16(100), false)
	f.Add("line\none\r| injected | row |", "@org/team", "\u2028", "javascript:alert(1)", uint8(1), uint16(65535), true)
	f.Add("-x", "# h", "`", "https://x.example/\\", uint8(255), uint16(7), false)
	f.Fuzz(func(t *testing.T, branch, into, state, link string, at uint8, extra uint16, many bool) {
		fields := []*string{&branch, &into, &state, &link}
		for _, s := range fields {
			if strings.Contains(*s, fuzzSecret[4:half]) || strings.Contains(*s, fuzzSecret[half:]) {
				return // half the secret came as input, not from the secret
			}
		}
		s := fields[at%4]
		i := int(at/4) % (len(*s) + 1)
		*s = (*s)[:i] + fuzzSecret + (*s)[i:]

		n := 3
		if many {
			n = 60 // enough rows to overflow the smaller limits
		}
		drs := make([]check.DeployRequest, n)
		for i := range drs {
			d := testkit.DR(i+1, state, i%2 == 0)
			d.Branch, d.IntoBranch, d.HTMLURL = branch+strings.Repeat("|", i%3), into, link
			if i%3 == 1 {
				d.Branch, d.IntoBranch = into, branch // the same text in other cells
			}
			d.CreatedAt = testkit.Now.Add(-time.Duration(extra) * time.Minute)
			drs[i] = d
		}
		v := check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved)
		r := Report{Organization: "acme", Database: "shop", Now: testkit.Now, MaxBytes: 8192 + int(extra),
			Redactor: sanitize.NewRedactor(fuzzSecret), FullList: "the `deploy-requests` output lists them all"}
		md := Markdown(v, r)
		if len(md) > r.MaxBytes {
			t.Fatalf("len = %d bytes, want at most %d", len(md), r.MaxBytes)
		}
		// Half the secret is a leak too: a secret cut short before it was
		// redacted shows its first part.
		for _, s := range []string{fuzzSecret[:half], fuzzSecret[half:]} {
			for _, form := range testkit.EscapedForms(s) {
				if strings.Contains(md, form) {
					t.Fatalf("the Markdown shows the secret (%q) as %q:\n%s", fuzzSecret, form, md)
				}
			}
		}
		checkTable(t, md)
	})
}

// fuzzSecret is the secret FuzzMarkdown's Redactor knows; half is the
// length of its halves.
const (
	fuzzSecret = "pscale_tkn_FuzzSecretValue0123456789"
	half       = len(fuzzSecret) / 2
)

// checkTable fails unless every line of md's table is a row with exactly 7
// unescaped pipes.
func checkTable(t *testing.T, md string) {
	t.Helper()
	inTable := false
	for _, l := range testkit.Lines(md) {
		switch {
		case strings.HasPrefix(l, "| Status |"):
			inTable = true
		case inTable && l == "":
			inTable = false
		case inTable && l == "|---|---|---|---|---|---|":
		case inTable && testkit.UnescapedPipes(l) != 7:
			t.Fatalf("table row has %d unescaped |, want 7: %q\n%s", testkit.UnescapedPipes(l), l, md)
		case inTable && !strings.HasPrefix(l, "| "):
			t.Fatalf("line %q inside the table is not a row:\n%s", l, md)
		}
	}
}

func boolPtr(b bool) *bool { return &b }

func TestMarkdown_Headline(t *testing.T) {
	t.Parallel()
	unapproved := []check.DeployRequest{testkit.DR(3, "ready", false), testkit.DR(4, "ready", true), testkit.DR(5, "complete", false)}
	tests := []struct {
		name   string
		drs    []check.DeployRequest
		policy check.Policy
		want   string
	}{
		{"fail_unapproved_one", unapproved, check.FailOnUnapproved, "## ❌ 1 deploy request needs approval"},
		{"fail_unapproved_many", append(unapproved, testkit.DR(6, "queued", false)), check.FailOnUnapproved, "## ❌ 2 deploy requests need approval"},
		{"fail_undeployed", unapproved, check.FailOnUndeployed, "## ❌ 2 deploy requests are not deployed yet"},
		{"fail_undeployed_one", []check.DeployRequest{testkit.DR(4, "ready", true)}, check.FailOnUndeployed, "## ❌ 1 deploy request is not deployed yet"},
		{"never_with_unapproved", unapproved, check.FailNever, "## ⚠️ 1 deploy request needs approval (report only: `fail-on: never`)"},
		{"pass", []check.DeployRequest{testkit.DR(4, "ready", true), testkit.DR(5, "complete", false)}, check.FailOnUnapproved, "## ✅ No deploy request blocks this change"},
		{"never_pass", []check.DeployRequest{testkit.DR(4, "ready", true)}, check.FailNever, "## ✅ No deploy request blocks this change"},
		{"zero_matched", nil, check.FailOnUnapproved, "## ✅ No open deploy requests"},
		{"zero_matched_never", nil, check.FailNever, "## ✅ No open deploy requests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			md := Markdown(check.Evaluate(tt.drs, check.Filter{}, tt.policy), Report{Organization: "acme", Database: "shop", Now: testkit.Now})
			if got := testkit.Lines(md)[0]; got != tt.want {
				t.Errorf("headline = %q, want %q", got, tt.want)
			}
			if len(tt.drs) == 0 && strings.Contains(md, "| Status |") {
				t.Errorf("zero matched renders a table:\n%s", md)
			}
		})
	}
}

func TestMarkdown_Table(t *testing.T) {
	t.Parallel()
	drs := []check.DeployRequest{
		testkit.DR(1, "complete_pending_revert", false),
		testkit.DR(2, "ready", true),
		testkit.DR(3, "no_changes", false),
		testkit.DR(8, "pending", false),
		testkit.DR(5, "queued", false),
		testkit.DR(6, "error", true),
	}
	drs[0].CreatedAt = testkit.Now.Add(-30 * time.Second)
	drs[1].CreatedAt = testkit.Now.Add(-5 * time.Minute)
	drs[2].CreatedAt = testkit.Now.Add(-47 * time.Hour)
	drs[3].CreatedAt = testkit.Now.Add(-72 * time.Hour)
	drs[4].CreatedAt = time.Time{}
	drs[5].CreatedAt = testkit.Now.Add(-3 * time.Hour)
	v := check.Evaluate(drs, check.Filter{Branch: "", IntoBranch: "main"}, check.FailOnUnapproved)
	md := Markdown(v, Report{Organization: "acme", Database: "shop", Filter: check.Filter{IntoBranch: "main"}, Now: testkit.Now})

	want := [][]string{
		// Blocking first, by number; then the rest, by number.
		{"❌ needs approval", "[#5](https://app.planetscale.com/acme/shop/deploy-requests/5)", "feature-5 → main", "no", "queued", "–"},
		{"❌ needs approval", "[#8](https://app.planetscale.com/acme/shop/deploy-requests/8)", "feature-8 → main", "no", "pending", "3d"},
		{"✅ applied", "[#1](https://app.planetscale.com/acme/shop/deploy-requests/1)", "feature-1 → main", "no", `complete\_pending\_revert`, "just now"},
		{"✅ approved", "[#2](https://app.planetscale.com/acme/shop/deploy-requests/2)", "feature-2 → main", "yes", "ready", "5m"},
		{"➖ no changes", "[#3](https://app.planetscale.com/acme/shop/deploy-requests/3)", "feature-3 → main", "no", `no\_changes`, "47h"},
		{"✅ approved", "[#6](https://app.planetscale.com/acme/shop/deploy-requests/6)", "feature-6 → main", "yes", "error", "3h"},
	}
	rows := testkit.TableRows(md)
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%s", len(rows), len(want), md)
	}
	for i, row := range rows {
		if got := testkit.Cells(row); fmt.Sprint(got) != fmt.Sprint(want[i]) {
			t.Errorf("row %d cells =\n%q\nwant\n%q", i, got, want[i])
		}
	}
	for _, want := range []string{
		"| Status | Deploy request | Branch | Approved | Deployment state | Age |\n|---|---|---|---|---|---|\n",
		"Checked open deploy requests into **main** of **acme/shop** with `fail-on: unapproved`: 6 matched, 2 approved, 2 not deployed and not approved.",
		"<sub>deploy-request-gate · checked 2026-11-20 12:00 UTC</sub>",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	for _, unwanted := range []string{"[!NOTE]", "[!WARNING]", "more deploy requests"} {
		if strings.Contains(md, unwanted) {
			t.Errorf("markdown has %q:\n%s", unwanted, md)
		}
	}
}

func TestMarkdown_StatusUndeployed(t *testing.T) {
	t.Parallel()
	v := check.Evaluate([]check.DeployRequest{testkit.DR(1, "ready", true), testkit.DR(2, "ready", false), testkit.DR(3, "complete", true)}, check.Filter{}, check.FailOnUndeployed)
	md := Markdown(v, Report{Now: testkit.Now})
	var got []string
	for _, row := range testkit.TableRows(md) {
		got = append(got, testkit.Cells(row)[0])
	}
	want := []string{"❌ not deployed", "❌ needs approval", "✅ applied"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("status column = %q, want %q", got, want)
	}
	v = check.Evaluate([]check.DeployRequest{testkit.DR(1, "ready", false)}, check.Filter{}, check.FailNever)
	if got, want := testkit.Cells(testkit.TableRows(Markdown(v, Report{Now: testkit.Now}))[0])[0], "⚠️ needs approval"; got != want {
		t.Errorf("status under never = %q, want %q", got, want)
	}
}

func TestMarkdown_ScopeLine(t *testing.T) {
	t.Parallel()
	v := check.Evaluate([]check.DeployRequest{testkit.DR(1, "ready", false)}, check.Filter{Branch: "feature-1"}, check.FailOnUndeployed)
	md := Markdown(v, Report{Organization: "ac_me", Database: "sh|op", Filter: check.Filter{Branch: "feature-1", IntoBranch: "re<l>"}, Now: testkit.Now})
	want := `Checked open deploy requests from **feature-1** into **re&lt;l&gt;** of **ac\_me/sh\|op** with ` + "`fail-on: undeployed`: 1 matched, 0 approved, 1 not deployed and not approved."
	if got := testkit.Lines(md)[2]; got != want {
		t.Errorf("scope line = %q, want %q", got, want)
	}
}

func TestMarkdown_ApprovalNote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		required *bool
		want     bool
	}{
		{"unknown", nil, false},
		{"required", boolPtr(true), false},
		{"not_required", boolPtr(false), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := check.Evaluate([]check.DeployRequest{testkit.DR(1, "ready", false)}, check.Filter{}, check.FailOnUnapproved)
			v.ApprovalRequired = tt.required
			md := Markdown(v, Report{Organization: "acme", Database: "<shop>", Now: testkit.Now})
			got := strings.Contains(md, "> [!NOTE]\n> Database **&lt;shop&gt;** does not require approval for deploy requests")
			if got != tt.want {
				t.Errorf("approval note shown = %t, want %t:\n%s", got, tt.want, md)
			}
			if tt.want && !strings.Contains(md, "`fail-on: undeployed`") {
				t.Errorf("approval note does not offer fail-on: undeployed:\n%s", md)
			}
		})
	}
}

func TestMarkdown_UnknownStateWarning(t *testing.T) {
	t.Parallel()
	drs := []check.DeployRequest{testkit.DR(1, "ready", true), testkit.DR(2, "rolling_out", false), testkit.DR(3, "<b>x</b>", true), testkit.DR(4, "rolling_out", true)}
	md := Markdown(check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved), Report{Now: testkit.Now})
	want := "> [!WARNING]\n> Unknown deployment state &lt;b&gt;x&lt;/b&gt;, rolling\\_out: treated as not deployed, so it blocks when unapproved.\n"
	if !strings.Contains(md, want) {
		t.Errorf("markdown lacks %q:\n%s", want, md)
	}
	var states []string
	for _, row := range testkit.TableRows(md) {
		states = append(states, testkit.Cells(row)[4])
	}
	wantStates := []string{`rolling\_out (unknown)`, "ready", "&lt;b&gt;x&lt;/b&gt; (unknown)", `rolling\_out (unknown)`}
	if fmt.Sprint(states) != fmt.Sprint(wantStates) {
		t.Errorf("state column = %q, want %q", states, wantStates)
	}
	if md := Markdown(check.Evaluate(drs[:1], check.Filter{}, check.FailOnUnapproved), Report{Now: testkit.Now}); strings.Contains(md, "[!WARNING]") {
		t.Errorf("warning shown with only known states:\n%s", md)
	}
}

// TestRenderMarkdownHostileAPI: strings from the API cannot break the table,
// inject HTML, links or mentions.
func TestMarkdown_HostileAPI(t *testing.T) {
	t.Parallel()
	var drs []check.DeployRequest
	for i, h := range hostile {
		d := testkit.DR(i+1, "ready", i%2 == 0)
		d.Branch = h
		d.IntoBranch = hostile[len(hostile)-1-i]
		d.DeploymentState = h
		d.HTMLURL = h
		drs = append(drs, d)
	}
	drs[0].HTMLURL = "https://app.planetscale.com/a|b/(c) d/<e>"
	v := check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved)
	v.ApprovalRequired = boolPtr(false)
	md := Markdown(v, Report{
		Organization: "<b>acme</b>", Database: "shop|x", Filter: check.Filter{Branch: "[x](javascript:alert(1))"}, Now: testkit.Now,
	})
	if strings.Contains(md, "<") && strings.Count(md, "<") != strings.Count(md, "<sub>")+strings.Count(md, "</sub>") {
		t.Errorf("raw < outside the footer:\n%s", md)
	}
	if strings.Contains(md, "javascript:alert(1))") || strings.Contains(md, "](javascript") {
		t.Errorf("live javascript link:\n%s", md)
	}
	if strings.Contains(md, "@org") {
		t.Errorf("live mention:\n%s", md)
	}
	if rows := testkit.TableRows(md); len(rows) != len(hostile) {
		t.Fatalf("got %d table rows, want %d:\n%s", len(rows), len(hostile), md)
	}
	checkTable(t, md)
	if !strings.Contains(md, "[#1](https://app.planetscale.com/a%7Cb/%28c%29%20d/%3Ce%3E)") {
		t.Errorf("first row's link not percent-encoded:\n%s", md)
	}
}

var moreLine = regexp.MustCompile(`(?m)^_…and (\d+) more deploy requests, left out to keep this under GitHub's size limit; the ` + "`deploy-requests`" + ` output lists them all\._$`)

func TestMarkdown_SizeBound(t *testing.T) {
	t.Parallel()
	many := func(n int, long bool) []check.DeployRequest {
		drs := make([]check.DeployRequest, n)
		for i := range drs {
			d := testkit.DR(i+1, "ready", i%50 != 0) // 1 in 50 blocks
			if long {
				d.Branch = strings.Repeat("|<", 100) + strconv.Itoa(i)
			}
			drs[i] = d
		}
		return drs
	}
	unknownStates := func(n int) []check.DeployRequest {
		drs := many(n, false)
		for i := range drs {
			drs[i].DeploymentState = fmt.Sprintf("state_from_a_misbehaving_api_%0*d", 40, i)
		}
		return drs
	}
	tests := []struct {
		name      string
		drs       []check.DeployRequest
		maxBytes  int
		wantLimit int
		wantMore  bool
	}{
		{"default_20000_unknown_states", unknownStates(20000), 0, SummaryLimit, true},
		{"small_limit_unknown_states", unknownStates(100), 4096, 4096, true},
		{"default_20000", many(20000, false), 0, SummaryLimit, true},
		{"default_20000_long_branches", many(20000, true), 0, SummaryLimit, true},
		{"small_limit", many(100, false), 2048, 2048, true},
		{"small_limit_long_branches", many(30, true), 4096, 4096, true},
		{"fits", many(10, false), 0, SummaryLimit, false},
		{"fits_exactly_below_small_limit", many(3, false), 2048, 2048, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := check.Evaluate(tt.drs, check.Filter{}, check.FailOnUnapproved)
			v.ApprovalRequired = boolPtr(false)
			md := Markdown(v, Report{Organization: "acme", Database: "shop", Now: testkit.Now, MaxBytes: tt.maxBytes, FullList: "the `deploy-requests` output lists them all"})
			if len(md) > tt.wantLimit {
				t.Errorf("len = %d bytes, want at most %d", len(md), tt.wantLimit)
			}
			rows := testkit.TableRows(md)
			m := moreLine.FindAllStringSubmatch(md, -1)
			if !tt.wantMore {
				if len(m) != 0 || len(rows) != len(tt.drs) {
					t.Errorf("got %d rows and %d more-lines, want %d rows and none", len(rows), len(m), len(tt.drs))
				}
				return
			}
			if len(m) != 1 {
				t.Fatalf("got %d \"…and N more\" lines, want 1", len(m))
			}
			left, _ := strconv.Atoi(m[0][1])
			if left < 1 || len(rows)+left != len(tt.drs) {
				t.Errorf("%d rows shown and %d said left out, want them to add up to %d", len(rows), left, len(tt.drs))
			}
			// The "more" line is the last before the footer, after a blank
			// line that ends the table.
			ls := testkit.Lines(md)
			if n := len(ls); n < 3 || !moreLine.MatchString(ls[n-3]) || ls[n-2] != "" || !strings.HasPrefix(ls[n-1], "<sub>") {
				t.Errorf("markdown does not end with the more line then the footer:\n…%s", md[max(0, len(md)-600):])
			}
			if n := len(ls); n < 5 || ls[n-4] != "" || (len(rows) > 0 && ls[n-5] != rows[len(rows)-1]) {
				t.Errorf("want the last row, a blank line, then the more line:\n…%s", md[max(0, len(md)-600):])
			}
			// Blocking rows come first, even when rows are left out.
			blocking := len(v.Blocking())
			for i, row := range rows {
				isBlocking := strings.HasPrefix(row, "| ❌")
				if isBlocking != (i < blocking) {
					t.Fatalf("row %d blocking = %t, want %t (blocking rows first)", i, isBlocking, i < blocking)
				}
			}
		})
	}
}

func TestMarkdown_NoRowFits(t *testing.T) {
	t.Parallel()
	v := check.Evaluate([]check.DeployRequest{testkit.DR(1, "ready", false), testkit.DR(2, "ready", false)}, check.Filter{}, check.FailOnUnapproved)
	md := Markdown(v, Report{Now: testkit.Now, MaxBytes: 500, FullList: "the `deploy-requests` output lists them all"})
	if len(md) > 500 {
		t.Errorf("len = %d bytes, want at most 500", len(md))
	}
	m := moreLine.FindStringSubmatch(md)
	if m == nil || m[1] != "2" {
		t.Errorf("want \"…and 2 more\" when no row fits:\n%s", md)
	}
	if rows := testkit.TableRows(md); len(rows) != 0 {
		t.Errorf("got %d rows, want 0", len(rows))
	}
}

func TestFailureMarkdown(t *testing.T) {
	t.Parallel()
	f := Failure{
		Lead:  "Organization \"<b>x</b>\" not | found.",
		Items: []string{"see [docs](javascript:alert(1)) @org/team"},
		Error: "list deploy requests: 404 pscale_tkn_secret",
	}
	md := FailureMarkdown(f, Report{Organization: "ac|me", Database: "<shop>", Now: testkit.Now, Redactor: sanitize.NewRedactor("pscale_tkn_secret")})
	want := "## ⚠️ Could not check deploy requests\n\n" +
		"Database: **ac\\|me/&lt;shop&gt;**\n\n" +
		"Organization &quot;&lt;b&gt;x&lt;/b&gt;&quot; not \\| found.\n\n" +
		"- see \\[docs\\]\\(javascript:alert\\(1\\)\\) @\u200borg/team\n\n" + // a list item, its text escaped
		"Error: list deploy requests: 404 \\*\\*\\*\n\n" +
		"The gate fails closed: this step stays red until it can show that no deploy request blocks.\n" +
		"\n<sub>deploy-request-gate · checked 2026-11-20 12:00 UTC</sub>\n"
	if md != want {
		t.Errorf("FailureMarkdown =\n%s\nwant\n%s", md, want)
	}
	if md := FailureMarkdown(Failure{Lead: "bad input: x"}, Report{Now: testkit.Now}); strings.Contains(md, "Database:") {
		t.Errorf("database line without a database:\n%s", md)
	}
}

func TestAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ago  time.Duration
		want string
	}{
		{-time.Hour, "just now"},
		{0, "just now"},
		{59 * time.Second, "just now"},
		{time.Minute, "1m"},
		{59 * time.Minute, "59m"},
		{time.Hour, "1h"},
		{47*time.Hour + 59*time.Minute, "47h"},
		{48 * time.Hour, "2d"},
		{400 * 24 * time.Hour, "400d"},
	}
	for _, tt := range tests {
		if got := Age(testkit.Now, testkit.Now.Add(-tt.ago)); got != tt.want {
			t.Errorf("Age(%s ago) = %q, want %q", tt.ago, got, tt.want)
		}
	}
	if got := Age(testkit.Now, time.Time{}); got != "–" {
		t.Errorf("Age(zero) = %q, want %q", got, "–")
	}
}

// TestRenderMarkdownUnknownStatesBounded: the warning lists a few unknown
// states, each cut short, so an API sending many cannot bloat the summary.
func TestMarkdown_UnknownStatesBounded(t *testing.T) {
	t.Parallel()
	var drs []check.DeployRequest
	for i, s := range []string{"s1", "s2", "s3", "s4", strings.Repeat("x", 100), "s6", "s7"} {
		drs = append(drs, testkit.DR(i+1, s, true))
	}
	md := Markdown(check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved), Report{Now: testkit.Now})
	want := "> Unknown deployment state s1, s2, s3, s4, s6 and 2 more: treated as not deployed, so it blocks when unapproved.\n"
	if !strings.Contains(md, want) {
		t.Errorf("markdown lacks %q:\n%s", want, md)
	}
	drs = []check.DeployRequest{testkit.DR(1, strings.Repeat("é", 100), true)}
	md = Markdown(check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved), Report{Now: testkit.Now})
	want = "> Unknown deployment state " + strings.Repeat("é", 64) + "…: treated"
	if !strings.Contains(md, want) {
		t.Errorf("markdown lacks %q:\n%s", want, md)
	}
}
