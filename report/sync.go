package report

import (
	"fmt"
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
	fmt.Fprintf(&b, "## 🔄 Synced `%s` on %s in %s\n\n", strings.ReplaceAll(r.Redactor.Strip(statusContext), "`", "'"),
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
	b.WriteString(footer(footerSynced, r.Now.UTC().Format(time.DateTime+" UTC")))
	return b.String()
}
