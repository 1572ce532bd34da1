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

// SyncMarkdown renders the summary of a sync run: one row per open pull
// request.
func SyncMarkdown(rows []SyncRow, statusContext string, r Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## 🔄 Synced `%s` on %s\n\n", strings.ReplaceAll(r.Redactor.Line(statusContext), "`", "'"), Plural(len(rows), "open pull request", "open pull requests"))
	fmt.Fprintf(&b, "Deploy requests of **%s/%s**.\n", r.text(r.Organization), r.text(r.Database))
	if len(rows) > 0 {
		b.WriteString("\n| Pull request | Branch | Status | Why |\n|---|---|---|---|\n")
		for _, row := range rows {
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
