package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Card sizes: a statement longer than MaxStatement characters is cut in
// the card (the deploy request's page has it whole); a schema change with
// more than collapseOperations operations, or more than collapseChars
// characters of DDL, is shown in a collapsed <details>.
const (
	MaxStatement       = 4000
	collapseOperations = 3
	collapseChars      = 1200
)

// CardMarkdown renders the review card of one deploy request: its verdict
// and, under fail-on: deploy-order, the rule that applied; a data-loss
// warning per operation that can drop data; whether it is deployable, its
// instant-DDL eligibility and a paused deploy queue; lint errors with
// their docs links; who approved it and when; its DDL, one statement per
// operation grouped by table (collapsed when long); and what could not be
// read, and why. Outside text is cleared of secrets, sanitized and escaped;
// DDL sits in code fences longer than any backtick run inside it.
func CardMarkdown(c check.Card, r Report) string {
	var b strings.Builder
	icon, verdict := CardVerdict(c)
	fmt.Fprintf(&b, "### %s %s · %s → %s\n\n", icon, r.requestLink(c.Number, c.URL),
		r.text(c.Branch), r.text(c.IntoBranch))
	fmt.Fprintf(&b, "It **%s**", verdict)
	if c.Order != nil {
		fmt.Fprintf(&b, " under `fail-on: deploy-order` (rule `%s`): %s", c.Order.Rule, c.Order.Why)
	} else {
		b.WriteString(".")
	}
	fmt.Fprintf(&b, " Deployment state: %s.\n", r.text(c.DeploymentState))

	if c.OperationsRead {
		var drops []string
		for _, op := range c.Operations {
			if op.CanDropData {
				drops = append(drops, fmt.Sprintf("> - %s on table **%s** can drop data.\n", opName(op, r), r.text(op.Table)))
			}
		}
		if len(drops) > 0 {
			b.WriteString("\n> [!WARNING]\n> **Data loss:** deploy it only after the code that stopped using this data has shipped.\n")
			b.WriteString(strings.Join(drops, ""))
		}
	}

	if d := c.Deployment; d != nil {
		queue := "running"
		if d.QueuePaused {
			queue = "⏸️ paused"
			if d.QueuePauseReason != "" {
				queue += ": " + r.text(d.QueuePauseReason)
			}
		}
		fmt.Fprintf(&b, "\n| Deployable | Instant DDL | Deploy queue |\n|---|---|---|\n| %s | %s | %s |\n",
			yesNo(d.Deployable, "yes", "no"), yesNo(d.InstantDDLEligible, "eligible", "not eligible"), queue)
		if d.DeployCheckErrors != "" {
			fmt.Fprintf(&b, "\n**Deploy check errors:** %s\n", r.text(d.DeployCheckErrors))
		}
		if len(d.LintErrors) > 0 {
			b.WriteString("\n**Lint errors**\n\n")
			for _, l := range d.LintErrors {
				line := "- **" + r.text(l.Code) + "**"
				if l.Table != "" {
					line += " on table **" + r.text(l.Table) + "**"
				}
				if l.Description != "" {
					line += ": " + r.text(l.Description)
				}
				if docs := safeLink("docs", r.Redactor.Redact(l.DocsURL)); docs != "docs" {
					line += " (" + docs + ")"
				}
				b.WriteString(line + "\n")
			}
		}
	}

	if c.ReviewsRead {
		approvals := c.Approvals()
		switch {
		case len(approvals) > 0:
			var who []string
			for _, a := range approvals {
				w := r.text(a.By)
				if !a.At.IsZero() {
					w += " on " + a.At.UTC().Format("2006-01-02 15:04 UTC")
				}
				who = append(who, w)
			}
			fmt.Fprintf(&b, "\n**Approved by** %s.\n", strings.Join(who, "; "))
		case c.Approved:
			b.WriteString("\n**Approved**, by no review PlanetScale lists.\n")
		default:
			fmt.Fprintf(&b, "\n**Not approved** (%s).\n", Plural(len(c.Reviews), "review", "reviews"))
		}
	}

	if c.OperationsRead {
		b.WriteString(ddlSection(c.Operations, r))
	}

	if len(c.Unread) > 0 {
		b.WriteString("\n**Could not read:**\n\n")
		for _, u := range c.Unread {
			line := "- the " + u.What + ": " + r.text(u.Why)
			if u.Grant != "" {
				line += " (a 404: the service token may lack **" + r.text(u.Grant) + "** on the database)"
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// CardVerdict words a card's verdict for both renderers of the card: it
// "passes", "blocks", "cannot be decided" (fail-on: deploy-order could not
// judge it) or "passes with a warning"; icon is the emoji the Markdown
// heads it with.
func CardVerdict(c check.Card) (icon, verdict string) {
	switch {
	case c.Order != nil && c.Order.Outcome == check.OrderUndecided:
		return "⛔", "cannot be decided"
	case c.Blocking:
		return "❌", "blocks"
	case c.Order != nil && c.Order.Outcome == check.OrderWarn:
		return "⚠️", "passes with a warning"
	}
	return "✅", "passes"
}

// opName words an operation for the data-loss warning.
func opName(op check.Operation, r Report) string {
	if op.Name == "" {
		return "An operation"
	}
	return "**" + r.text(op.Name) + "**"
}

// TableDDL is one table's statements in a card's schema change.
type TableDDL struct {
	// Table is the table's name as the API sent it (outside text).
	Table string
	// Statements are the DDL of the table's operations, in the API's
	// order, each cleaned and cut (see GroupDDL).
	Statements []string
}

// GroupDDL groups the operations' DDL by table, in the order the tables
// first appear, for both renderers of the card. Each statement is made
// safe by clean first, which must remove secrets (the cut could leave part
// of one), then cut at MaxStatement characters with a last line that says
// how much more the deploy request's page shows. size is the length in
// bytes of the cleaned statements before any cut.
func GroupDDL(ops []check.Operation, clean func(string) string) (tables []TableDDL, size int) {
	index := map[string]int{}
	for _, op := range ops {
		i, ok := index[op.Table]
		if !ok {
			i = len(tables)
			index[op.Table] = i
			tables = append(tables, TableDDL{Table: op.Table})
		}
		stmt := clean(op.DDL)
		size += len(stmt)
		tables[i].Statements = append(tables[i].Statements, cutStatement(stmt))
	}
	return tables, size
}

// ddlSection renders the operations' DDL grouped by table; collapsed when
// long.
func ddlSection(ops []check.Operation, r Report) string {
	if len(ops) == 0 {
		return "\n**Schema change:** no operations yet.\n"
	}
	tables, size := GroupDDL(ops, func(s string) string { return codeText(r.Redactor.Redact(s)) })
	var body strings.Builder
	for _, t := range tables {
		fmt.Fprintf(&body, "\n**%s**\n\n", r.text(t.Table))
		body.WriteString(codeBlock("sql", strings.Join(t.Statements, "\n\n")))
	}
	title := fmt.Sprintf("Schema change: %s on %s", Plural(len(ops), "operation", "operations"), Plural(len(tables), "table", "tables"))
	if len(ops) > collapseOperations || size > collapseChars {
		return "\n<details><summary>" + title + "</summary>\n" + body.String() + "\n</details>\n"
	}
	return "\n**" + title + "**\n" + body.String()
}

// codeText makes a statement safe for a code block: secrets already
// removed, each line stripped (control and bidi characters become spaces,
// sanitize.Strip: the statement reads as written) and CRLF made LF.
func codeText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(sanitize.Strip(l), " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// cutStatement cuts a statement longer than MaxStatement characters.
func cutStatement(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= MaxStatement {
		return s
	}
	return string([]rune(s)[:MaxStatement]) + fmt.Sprintf("\n-- … %d more characters: the deploy request's page on PlanetScale shows the whole statement", n-MaxStatement)
}

// codeBlock fences text so that nothing in it can close the fence: the
// fence is one backtick longer than the longest run of backticks inside
// (at least three).
func codeBlock(info, text string) string {
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	return fence + info + "\n" + text + "\n" + fence + "\n"
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := range len(s) {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

func yesNo(v bool, yes, no string) string {
	if v {
		return yes
	}
	return no
}

// fitCards renders cards, in the order given (Cards passes them blocking
// first), within limit bytes together with the rest of the text (room
// bytes already used). A card that does not fit is left out whole, and a
// last line says how many were left out and which; when not even that line
// fits, the result is empty.
func fitCards(cards []check.Card, r Report, room, limit int) string {
	var b strings.Builder
	used := room
	var left []string
	for _, c := range cards {
		md := "\n" + CardMarkdown(c, r)
		// Keep room for the line that says what was left out.
		if len(left) == 0 && used+len(md)+leftOutRoom <= limit {
			b.WriteString(md)
			used += len(md)
			continue
		}
		left = append(left, "#"+strconv.Itoa(c.Number))
	}
	if len(left) > 0 {
		line := fmt.Sprintf("\n_Left out to stay within GitHub's size limit: the cards of %s (%s); each deploy request's page on PlanetScale shows it whole._\n",
			Plural(len(left), "deploy request", "deploy requests"), shortList(left))
		if used+len(line) > limit {
			return ""
		}
		b.WriteString(line)
	}
	return b.String()
}

// leftOutRoom is kept free for the left-out line.
const leftOutRoom = 400

// shortList joins items, naming at most ten.
func shortList(items []string) string {
	if len(items) <= 10 {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:10], ", ") + fmt.Sprintf(" and %d more", len(items)-10)
}
