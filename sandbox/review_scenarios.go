package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// cardScenarioSpecs serve what the review card and fail-on: deploy-order
// read: operations, reviews, lint errors and the deployment's flags. They
// are built by NewScenario like the others, and the demo and the sandbox
// command list them.
var cardScenarioSpecs = []scenarioSpec{
	{name: "review", inputs: map[string]string{"fail-on": "deploy-order"}, description: "fail-on deploy-order over 8 open deploy requests whose operations add a column, drop a column, add an index, drop a table or are not computed yet (pending), with lint errors, a paused deploy queue and reviews over several pages: one card per deploy-order case",
		build: func(now time.Time) (*Server, string) {
			return demoServer(now, ReviewDatabase(now), DemoToken, WithMaxPerPage(12)), combined(DemoToken)
		}},
	{name: "hostile-card", description: "5 open deploy requests whose table names, DDL, lint errors, reviewers and queue pause reason hold Markdown, HTML, backtick runs, control and bidi characters and workflow commands, one statement of 100 KB: a correct card shows them as text and stays within GitHub's size limits",
		build: func(now time.Time) (*Server, string) {
			return demoServer(now, HostileCardDatabase(now), DemoToken), combined(DemoToken)
		}},
}

// CardScenarioNames returns the scenarios that serve the review card's
// reads; NewScenario builds them too.
func CardScenarioNames() []string { return specNames(cardScenarioSpecs) }

// The reviewers of the review scenario.
const (
	ReviewerDana  = "Dana Okafor"
	ReviewerPriya = "Priya Raman"
)

// ReviewDatabase is acme/shop for the review scenario: one open deploy
// request for each deploy-order case, newest first.
//
//	#210 add-order-gift-note   adds a column; approved, not deployed; queue paused   deploy-order blocks (schema first)
//	#209 drop-coupon-legacy    drops a column; not approved; 1 comment               blocks (approve, code first)
//	#208 customers-email-index adds an index; applied (complete_pending_revert)     passes
//	#207 loyalty-points        pending: no operations yet                           blocks (PlanetScale is computing)
//	#206 drop-wishlist-archive drops a table; approved on page 2 of 13 reviews      passes (code first)
//	#205 reporting-tables      14 operations over 2 pages; a lint error; not deployable; operations only per request
//	#204 rename-nothing        no_changes                                           passes
//	#203 drop-gift-wrap        drops a column; applied before the code merged       passes with a warning
func ReviewDatabase(now time.Time) Database {
	at := func(hoursAgo int) time.Time { return now.Add(-time.Duration(hoursAgo) * time.Hour) }
	open := func(n int, branch, state string, approved bool, hoursAgo int) DeployRequest {
		return DeployRequest{Number: n, Branch: branch, IntoBranch: "main", State: "open", DeploymentState: state,
			Approved: approved, Deployable: state != "pending" && state != "error", CreatedAt: at(hoursAgo)}
	}
	addNote := open(210, "add-order-gift-note", "ready", true, 2)
	addNote.Operations = []Operation{{Table: "orders", Name: "ALTER", DDL: "ALTER TABLE `orders` ADD COLUMN `gift_note` varchar(280)", RecentlyUsed: true}}
	addNote.InstantDDLEligible = true
	addNote.QueuePaused, addNote.QueuePauseReason = true, "Paused by an administrator during the holiday sale"
	addNote.Reviews = []Review{{State: "approved", By: ReviewerDana, Body: "Schema first: deploy before the checkout change merges.", At: at(1)}}

	dropLegacy := open(209, "drop-coupon-legacy", "ready", false, 5)
	dropLegacy.Operations = []Operation{{Table: "coupons", Name: "ALTER", DDL: "ALTER TABLE `coupons` DROP COLUMN `legacy_code`", CanDropData: true, RecentlyUsed: true}}
	dropLegacy.Reviews = []Review{{State: "commented", By: ReviewerPriya, Body: "Is anything still reading legacy_code?", At: at(4)}}

	index := open(208, "customers-email-index", "complete_pending_revert", true, 9)
	index.Operations = []Operation{{Table: "customers", Name: "ALTER", DDL: "ALTER TABLE `customers` ADD INDEX `idx_customers_email` (`email`)"}}
	index.InstantDDLEligible = false
	index.Reviews = []Review{{State: "approved", By: ReviewerPriya, At: at(8)}}

	pending := open(207, "loyalty-points", "pending", false, 1)

	dropTable := open(206, "drop-wishlist-archive", "ready", true, 30)
	dropTable.Operations = []Operation{{Table: "wishlist_archive", Name: "DROP", DDL: "DROP TABLE `wishlist_archive`", CanDropData: true}}
	for i := range 12 {
		by := []string{ReviewerDana, ReviewerPriya}[i%2]
		dropTable.Reviews = append(dropTable.Reviews, Review{State: "commented", By: by, Body: fmt.Sprintf("Review note %d", i+1), At: at(29 - i)})
	}
	dropTable.Reviews = append(dropTable.Reviews, Review{State: "approved", By: ReviewerDana, Body: "Nothing reads it since v4.2.", At: at(16)})

	reporting := open(205, "reporting-tables", "error", false, 50)
	for i := range 14 {
		t := fmt.Sprintf("report_%02d", i+1)
		reporting.Operations = append(reporting.Operations, Operation{Table: t, Name: "CREATE",
			DDL: fmt.Sprintf("CREATE TABLE `%s` (\n  `id` bigint unsigned NOT NULL AUTO_INCREMENT,\n  `total` decimal(12,2),\n  PRIMARY KEY (`id`)\n)", t)})
	}
	reporting.OmitListOperations = true
	reporting.LintErrors = []LintError{{Code: "NO_UNIQUE_KEY", Table: "report_15",
		Description: `table "report_15" has no unique key: all tables must have at least one unique, not-null key without using text / blob columns or partial indexes.`,
		DocsURL:     "https://planetscale.com/docs/learn/change-single-unique-key"}}

	noChanges := open(204, "rename-nothing", "no_changes", false, 70)

	applied := open(203, "drop-gift-wrap", "complete", true, 90)
	applied.Operations = []Operation{{Table: "orders", Name: "ALTER", DDL: "ALTER TABLE `orders` DROP COLUMN `gift_wrap`", CanDropData: true}}
	applied.Reviews = []Review{{State: "approved", By: ReviewerDana, At: at(89)}}

	drs := []DeployRequest{addNote, dropLegacy, index, pending, dropTable, reporting, noChanges, applied}
	db := Database{Organization: DemoOrganization, Name: DemoDatabase, RequireApproval: true, DeployRequests: drs}
	for n := 202; n >= 1; n-- {
		db.DeployRequests = append(db.DeployRequests, DeployRequest{Number: n, Branch: fmt.Sprintf("change-%d", n), IntoBranch: "main",
			Approved: true, State: "closed", DeploymentState: "complete", Deployable: true, CreatedAt: at(100 + n)})
	}
	return db
}

// HostileStatementSize is the size of the hostile card scenario's longest
// DDL statement.
const HostileStatementSize = 100 << 10

// HostileCardDatabase is acme/shop with outside text built to break a
// card: Markdown, HTML, backtick runs longer than a code fence, control
// and bidi characters, workflow commands and a 100 KB statement.
func HostileCardDatabase(now time.Time) Database {
	evilTable := "orders`|<b>x</b>**y**\u202e[z](https://evil.example)\r\n::error::pwned"
	long := "ALTER TABLE `events` ADD COLUMN `payload` json COMMENT '" + strings.Repeat("a`b``c```d````e", HostileStatementSize/15)
	long = long[:HostileStatementSize-1] + "'"
	mk := func(n int, branch string, ops ...Operation) DeployRequest {
		return DeployRequest{Number: n, Branch: branch, IntoBranch: "main", State: "open", DeploymentState: "ready", Deployable: true,
			CreatedAt: now.Add(-time.Duration(n) * time.Hour), Operations: ops}
	}
	return Database{Organization: DemoOrganization, Name: DemoDatabase, RequireApproval: true, DeployRequests: []DeployRequest{
		mk(5, "evil-fence", Operation{Table: evilTable, Name: "ALTER",
			DDL: "ALTER TABLE t ADD COLUMN c int COMMENT '```\n</details><script>alert(1)</script>\n  ::warning::forged ##[error]forged\n````` @everyone #1'", CanDropData: true}),
		mk(4, "evil-long", Operation{Table: "events", Name: "ALTER", DDL: long}),
		func() DeployRequest {
			dr := mk(3, "evil-lint\u202e", Operation{Table: "t<img src=x onerror=alert(1)>", Name: "CREATE", DDL: "CREATE TABLE `t` (`id` int)\x00\x1b[31m"})
			dr.LintErrors = []LintError{{Code: "NO_UNIQUE_KEY<b>", Table: "t|x", Description: "**bold** <a href=x>link</a> \n::warning::injected",
				DocsURL: "javascript:alert(1)"}}
			dr.QueuePaused, dr.QueuePauseReason = true, "\r\n::error::queue <i>paused</i> | ` by @admin"
			dr.DeployCheckErrors = "<details open>check</details>"
			return dr
		}(),
		func() DeployRequest {
			dr := mk(2, "evil-review", Operation{Table: "users", Name: "ALTER", DDL: "ALTER TABLE `users` DROP COLUMN `ssn`", CanDropData: true})
			dr.Reviews = []Review{{State: "approved", By: "@admin <img src=x> [me](https://evil.example) \x1b]8;;x\x07", Body: "::stop-commands::x"}}
			dr.Approved = true
			return dr
		}(),
		mk(1, "many-ops", manyOperations(300)...),
	}}
}

// manyOperations returns n additive operations over n/3 tables, so a card
// must group and cut them.
func manyOperations(n int) []Operation {
	ops := make([]Operation, n)
	for i := range ops {
		t := fmt.Sprintf("wide_table_%03d", i/3)
		ops[i] = Operation{Table: t, Name: "ALTER", DDL: fmt.Sprintf("ALTER TABLE `%s` ADD COLUMN `c%03d` varchar(%d)", t, i, 100+i)}
	}
	return ops
}
