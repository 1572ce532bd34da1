package report

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// cardsOf turns a sandbox database's open deploy requests into the cards
// the gate would show under fail-on: deploy-order, everything read,
// blocking first as Cards passes them.
func cardsOf(db sandbox.Database) []check.Card {
	var cards []check.Card
	for _, dr := range db.DeployRequests {
		if dr.State != "open" {
			continue
		}
		c := check.Card{Number: dr.Number, Branch: dr.Branch, IntoBranch: dr.IntoBranch, DeploymentState: dr.DeploymentState,
			Approved: dr.Approved, URL: fmt.Sprintf("https://app.planetscale.com/acme/shop/deploy-requests/%d", dr.Number),
			OperationsRead: true, ReviewsRead: true,
			Deployment: &check.CardDeployment{Deployable: dr.Deployable, InstantDDLEligible: dr.InstantDDLEligible,
				QueuePaused: dr.QueuePaused, QueuePauseReason: dr.QueuePauseReason, DeployCheckErrors: dr.DeployCheckErrors}}
		for _, op := range dr.Operations {
			c.Operations = append(c.Operations, check.Operation{Table: op.Table, Name: op.Name, DDL: op.DDL, CanDropData: op.CanDropData, TableRecentlyUsed: op.RecentlyUsed})
		}
		for _, rv := range dr.Reviews {
			c.Reviews = append(c.Reviews, check.Review{Approved: rv.State == "approved", By: rv.By, At: rv.At})
		}
		for _, l := range dr.LintErrors {
			c.Deployment.LintErrors = append(c.Deployment.LintErrors, check.LintError{Code: l.Code, Table: l.Table, Description: l.Description, DocsURL: l.DocsURL})
		}
		stage, _ := check.StageOf(dr.DeploymentState)
		d := check.DeployOrder(check.OrderFacts{Stage: stage, Pending: dr.DeploymentState == "pending", Approved: dr.Approved,
			Operations: c.Operations, OperationsRead: true})
		c.Order, c.Blocking = &d, d.Blocks()
		cards = append(cards, c)
	}
	return blockingFirst(cards)
}

// blockingFirst returns the cards of a verdict whose entries are cards,
// in the order Cards renders them.
func blockingFirst(cards []check.Card) []check.Card {
	var v check.Verdict
	for _, c := range cards {
		v.Matched = append(v.Matched, check.Entry{DeployRequest: check.DeployRequest{Number: c.Number}, Blocking: c.Blocking, Card: &c})
	}
	var out []check.Card
	for _, e := range v.BlockingFirst() {
		out = append(out, *e.Card)
	}
	return out
}

var cardReport = Report{Organization: "acme", Database: "shop", Now: testkit.Now, Redactor: sanitize.NewRedactor("pscale_tkn_cardSecret")}

func TestCardMarkdown_Golden(t *testing.T) {
	t.Parallel()
	review := cardsOf(sandbox.ReviewDatabase(testkit.Now))
	hostile := cardsOf(sandbox.HostileCardDatabase(testkit.Now))
	unread := check.Card{Number: 42, Branch: "secret-pscale_tkn_cardSecret", IntoBranch: "main", DeploymentState: "ready", Approved: true,
		URL: "https://app.planetscale.com/acme/shop/deploy-requests/42",
		Unread: []check.Unread{
			{What: "operations", Why: "read the operations of deploy request #42: PlanetScale API answered 404 Not Found (not_found: Not Found)", Grant: "read_deploy_request"},
			{What: "reviews", Why: "PlanetScale API answered 503 Service Unavailable"},
			{What: "deployment", Why: "\r\n::error::pwned <b>x</b>"},
		}}
	d := check.DeployOrder(check.OrderFacts{Approved: true})
	unread.Order = &d
	tests := []struct {
		name  string
		cards []check.Card
		limit int
	}{
		{"card_review.md", review, ghreport.MaxCommentLength},
		{"card_hostile.md", hostile, ghreport.MaxCommentLength},
		{"card_unread.md", []check.Card{unread}, ghreport.MaxCommentLength},
		{"card_cut.md", review, 4500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			testkit.Golden(t, tt.name, fitCards(tt.cards, cardReport, 0, tt.limit))
		})
	}
}

// TestCardMarkdown_elements: each element the card promises is there.
func TestCardMarkdown_elements(t *testing.T) {
	t.Parallel()
	cards := map[int]check.Card{}
	for _, c := range cardsOf(sandbox.ReviewDatabase(testkit.Now)) {
		cards[c.Number] = c
	}
	for _, tt := range []struct {
		number int
		want   []string
	}{
		{210, []string{"### ❌ [#210]", "rule `additive-undeployed`", "| yes | eligible | ⏸️ paused: Paused by an administrator during the holiday sale |",
			"**Approved by** Dana Okafor on ", "**Schema change: 1 operation on 1 table**", "ALTER TABLE `orders` ADD COLUMN `gift_note` varchar(280)\n```"}},
		{209, []string{"### ❌", "rule `drops-data-unapproved`", "> [!WARNING]", "> - **ALTER** on table **coupons** can drop data.", "**Not approved** (1 review)."}},
		{208, []string{"### ✅", "rule `additive-deployed`", "| yes | not eligible | running |"}},
		{207, []string{"### ❌", "rule `computing`", "PlanetScale is still computing", "**Schema change:** no operations yet."}},
		{206, []string{"### ✅", "rule `drops-data-approved`", "**Approved by** Dana Okafor on ", "**wishlist\\_archive** can drop data"}},
		{205, []string{"<details><summary>Schema change: 14 operations on 14 tables</summary>", "- **NO\\_UNIQUE\\_KEY** on table **report\\_15**: ",
			"([docs](https://planetscale.com/docs/learn/change-single-unique-key))", "| no | not eligible | running |"}},
		{204, []string{"### ✅", "rule `no-changes`"}},
		{203, []string{"### ⚠️", "passes with a warning", "rule `drops-data-deployed-first`"}},
	} {
		md := CardMarkdown(cards[tt.number], cardReport)
		for _, w := range tt.want {
			if !strings.Contains(md, w) {
				t.Errorf("card #%d lacks %q:\n%s", tt.number, w, md)
			}
		}
	}
}

// TestCardMarkdown_hostile: outside text never leaves its place: no
// control character, no line a runner would read as a command, no HTML
// tag but the card's own outside a code block, and every code block
// closes where the card closes it.
func TestCardMarkdown_hostile(t *testing.T) {
	t.Parallel()
	md := fitCards(cardsOf(sandbox.HostileCardDatabase(testkit.Now)), cardReport, 0, ghreport.MaxCommentLength)
	for _, r := range md {
		if r != '\n' && sanitize.Unsafe(r) {
			t.Fatalf("the card holds the control character %U", r)
		}
	}
	if strings.Contains(md, "pscale_tkn_cardSecret") {
		t.Error("the card holds the secret")
	}
	var fence string
	blocks := 0
	for i, line := range strings.Split(md, "\n") {
		if fence != "" {
			if strings.TrimLeft(line, "`") == "" && len(line) >= len(fence) {
				if line != fence {
					t.Errorf("line %d: %q closes a fence of %d backticks", i+1, line, len(fence))
				}
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			fence = strings.TrimRight(line, "sql")
			blocks++
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(line, "> -"), "::") {
			t.Errorf("line %d starts a workflow command: %q", i+1, line)
		}
		for _, tag := range []string{"<b>", "<script", "<img", "<a ", "<i>", "</details><script", "<details open"} {
			if strings.Contains(line, tag) {
				t.Errorf("line %d holds the tag %s outside a code block: %q", i+1, tag, line)
			}
		}
		if strings.Contains(line, "](javascript:") || strings.Contains(line, "](https://evil.example") {
			t.Errorf("line %d links outside text: %q", i+1, line)
		}
	}
	if fence != "" || blocks < 5 {
		t.Errorf("%d code blocks, the last left open: %q", blocks, fence)
	}
	if !strings.Contains(md, "more characters: the deploy request's page on PlanetScale shows the whole statement") {
		t.Error("the 100 KB statement is not cut")
	}
	if strings.Count(md, "can drop data.") != 2 {
		t.Errorf("%d data-loss lines, want 2 (#5 and #2)", strings.Count(md, "can drop data."))
	}
}

// TestCards_limits: cards stay within GitHub's limits (a comment's in
// characters, a summary's in bytes), blocking first, with a line naming
// what was left out.
func TestCards_limits(t *testing.T) {
	t.Parallel()
	var v check.Verdict
	for i := range 60 {
		c := check.Card{Number: 1000 + i, Branch: "wide", IntoBranch: "main", DeploymentState: "ready", OperationsRead: true, Blocking: i%2 == 1}
		for j := range 12 {
			c.Operations = append(c.Operations, check.Operation{Table: fmt.Sprintf("t%d", j), Name: "ALTER",
				DDL: "ALTER TABLE t ADD COLUMN c varchar(10) COMMENT '" + strings.Repeat("é", 400) + "'"})
		}
		v.Matched = append(v.Matched, check.Entry{DeployRequest: check.DeployRequest{Number: c.Number}, Blocking: c.Blocking, Card: &c})
	}
	bytes := func(s string) int { return len(s) }
	for _, tt := range []struct {
		name  string
		limit int
		size  func(string) int
	}{{"comment", ghreport.MaxCommentLength, utf8.RuneCountInString}, {"summary", SummaryLimit, bytes}, {"small", 30000, bytes}} {
		md := Cards(v, cardReport, 1000, tt.limit)
		if got := tt.size(md) + 1000; got > tt.limit {
			t.Errorf("%s: %d, over the limit %d", tt.name, got, tt.limit)
		}
		if tt.name == "summary" {
			if strings.Contains(md, "Left out") {
				t.Errorf("summary: cards left out though 1 MiB holds them all")
			}
			continue
		}
		if !strings.Contains(md, "_Left out to stay within GitHub's size limit: the cards of ") {
			t.Errorf("%s: no left-out line", tt.name)
		}
		first := strings.Index(md, "### ")
		if !strings.HasPrefix(md[first:], "### ❌") || strings.Contains(md, "### ✅") && strings.Index(md, "### ✅") < strings.LastIndex(md, "### ❌") {
			t.Errorf("%s: blocking cards do not come first", tt.name)
		}
	}
	if got := Cards(v, cardReport, 0, 100); got != "" {
		t.Errorf("Cards within 100 bytes = %q, want nothing", got)
	}
}

func TestCodeBlock_cannotBeClosedFromInside(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"plain", "a ``` b", "````\n```", strings.Repeat("`", 40)} {
		block := codeBlock("sql", s)
		fence := block[:strings.Index(block, "sql")]
		if strings.Count(s, fence) > 0 || len(fence) < 3 {
			t.Errorf("codeBlock(%q) fence %q appears inside", s, fence)
		}
	}
}
