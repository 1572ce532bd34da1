package report

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// SyncRow is one pull request a sync run looked at.
type SyncRow struct {
	Number int
	URL    string
	// Branch is the pull request's head branch.
	Branch string
	// State is the status set ("success", "failure"), or "" when the pull
	// request was left alone.
	State string
	// Description says why.
	Description string
}

// SyncSection is what a sync run did in one repository.
type SyncSection struct {
	// Repository is "owner/name".
	Repository string
	// Rows are its open pull requests.
	Rows []SyncRow
	// Error says why it could not be synced ("" when it was).
	Error string
}

// SyncReposMarkdown renders the summary of a sync run: one section per
// repository, each with one row per open pull request.
func SyncReposMarkdown(sections []SyncSection, statusContext string, r Report) string {
	var b strings.Builder
	total := 0
	for _, s := range sections {
		total += len(s.Rows)
	}
	fmt.Fprintf(&b, "## 🔄 Synced `%s` on %s in %s\n\n", strings.ReplaceAll(r.Redactor.Line(statusContext), "`", "'"),
		Plural(total, "open pull request", "open pull requests"), Plural(len(sections), "repository", "repositories"))
	fmt.Fprintf(&b, "Deploy requests of **%s/%s**.\n", r.text(r.Organization), r.text(r.Database))
	for _, s := range sections {
		fmt.Fprintf(&b, "\n### %s\n\n", r.text(s.Repository))
		if s.Error != "" {
			fmt.Fprintf(&b, "⚠️ Not synced: %s\n", r.text(s.Error))
			continue
		}
		if len(s.Rows) == 0 {
			b.WriteString("No open pull requests.\n")
			continue
		}
		b.WriteString("| Pull request | Branch | Status | Why |\n|---|---|---|---|\n")
		for _, row := range s.Rows {
			state := "left alone"
			switch row.State {
			case "success":
				state = "✅ success"
			case "failure":
				state = "❌ failure"
			case "error":
				state = "⚠️ error"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", safeLink(fmt.Sprintf("#%d", row.Number), row.URL),
				r.text(row.Branch), state, r.text(row.Description))
		}
	}
	fmt.Fprintf(&b, "\n<sub>deploy-request-gate · synced %s</sub>\n", r.Now.UTC().Format(time.DateTime+" UTC"))
	return b.String()
}

// stamp is the time in the footer of a comment or summary.
var stamp = regexp.MustCompile(`(?m)^(<sub>deploy-request-gate · (?:checked|synced)) [^<]*(</sub>)$`)

// SameContent reports whether two renderings differ at most in their
// footer's time, so a comment is not edited just to move its clock.
func SameContent(a, b string) bool {
	return stamp.ReplaceAllString(a, "$1$2") == stamp.ReplaceAllString(b, "$1$2")
}
