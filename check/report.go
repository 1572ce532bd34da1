package check

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SummaryLimit is the size GitHub allows a step's job summary (1 MiB).
const SummaryLimit = 1 << 20

// Report holds what a rendered verdict shows besides the verdict itself.
type Report struct {
	Organization string
	Database     string
	Filter       Filter
	// ApprovalRequired is the database's require_approval_for_deploy
	// setting, or nil when it could not be read.
	ApprovalRequired *bool
	// Now is when the check ran; ages are measured from it.
	Now time.Time
	// MaxBytes bounds the Markdown; 0 means a little under SummaryLimit.
	MaxBytes int
}

// RenderMarkdown renders the verdict as GitHub Markdown: a one-line
// verdict, the counts, notes, and a table with one row per matched deploy
// request (blocking ones first), each number linking to the request. Text
// from the API or the inputs is escaped. When the table would pass
// r.MaxBytes, the last row says how many were left out.
func RenderMarkdown(v Verdict, r Report) string {
	limit := r.MaxBytes
	if limit <= 0 {
		limit = SummaryLimit - 16<<10
	}
	var b strings.Builder
	blocking := v.Blocking()
	b.WriteString(headline(v, len(blocking)))
	b.WriteString("\n\n")
	b.WriteString(scopeLine(v, r))
	b.WriteString("\n")
	if r.ApprovalRequired != nil && !*r.ApprovalRequired {
		fmt.Fprintf(&b, "\n> [!NOTE]\n> Database **%s** does not require approval for deploy requests, so PlanetScale leaves `approved` false unless someone approves anyway. "+
			"Approve each request, turn on *Require administrator approval for deploy requests* in the database settings, or use `fail-on: undeployed` to gate on deployment instead.\n",
			EscapeMarkdown(r.Database))
	}
	if unknown := v.UnknownStates(); len(unknown) > 0 {
		// The values come from the API: list a few, each cut short, so they
		// cannot push the summary past its size limit.
		const maxListed, maxLen = 5, 64
		shown := unknown[:min(len(unknown), maxListed)]
		for i, s := range shown {
			if s == "" {
				s = "(empty)"
			}
			if r := []rune(s); len(r) > maxLen {
				s = string(r[:maxLen]) + "…"
			}
			shown[i] = EscapeMarkdown(s)
		}
		list := strings.Join(shown, ", ")
		if more := len(unknown) - len(shown); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		fmt.Fprintf(&b, "\n> [!WARNING]\n> Unknown deployment state %s: treated as not deployed, so it blocks when unapproved.\n", list)
	}
	footer := fmt.Sprintf("\n<sub>deploy-request-gate · checked %s</sub>\n", r.Now.UTC().Format("2006-01-02 15:04 UTC"))
	if len(v.Matched) > 0 {
		b.WriteString("\n| Status | Deploy request | Branch | Approved | Deployment state | Age |\n|---|---|---|---|---|---|\n")
		rows := append(append([]Entry{}, blocking...), nonBlocking(v)...)
		for i, e := range rows {
			row := tableRow(e, r.Now)
			const moreLine = 200 // room for the "and N more" line
			if b.Len()+len(row)+len(footer)+moreLine > limit {
				fmt.Fprintf(&b, "\n_…and %d more deploy requests, left out to keep this under GitHub's size limit; the `deploy-requests` output lists them all._\n", len(rows)-i)
				break
			}
			b.WriteString(row)
		}
	}
	b.WriteString(footer)
	return b.String()
}

func nonBlocking(v Verdict) []Entry {
	var out []Entry
	for _, e := range v.Matched {
		if !e.Blocking {
			out = append(out, e)
		}
	}
	return out
}

func headline(v Verdict, blocking int) string {
	needApproval := v.Unapproved
	switch {
	case blocking > 0 && v.Policy == FailOnUndeployed:
		return fmt.Sprintf("## ❌ %s not deployed yet", plural(blocking, "deploy request is", "deploy requests are"))
	case blocking > 0:
		return fmt.Sprintf("## ❌ %s approval", plural(blocking, "deploy request needs", "deploy requests need"))
	case v.Policy == FailNever && needApproval > 0:
		return fmt.Sprintf("## ⚠️ %s approval (report only: `fail-on: never`)", plural(needApproval, "deploy request needs", "deploy requests need"))
	case len(v.Matched) == 0:
		return "## ✅ No open deploy requests"
	}
	return "## ✅ No deploy request blocks this change"
}

func scopeLine(v Verdict, r Report) string {
	scope := "open deploy requests"
	if r.Filter.Branch != "" {
		scope += " from **" + EscapeMarkdown(r.Filter.Branch) + "**"
	}
	if r.Filter.IntoBranch != "" {
		scope += " into **" + EscapeMarkdown(r.Filter.IntoBranch) + "**"
	}
	return fmt.Sprintf("Checked %s of **%s/%s** with `fail-on: %s`: %d matched, %d approved, %d not deployed and not approved.",
		scope, EscapeMarkdown(r.Organization), EscapeMarkdown(r.Database), EscapeMarkdown(string(v.Policy)),
		len(v.Matched), v.Approved, v.Unapproved)
}

func tableRow(e Entry, now time.Time) string {
	dr := e.DeployRequest
	approved := "no"
	if dr.Approved {
		approved = "yes"
	}
	state := EscapeMarkdown(dr.DeploymentState)
	if !e.KnownState {
		state += " (unknown)"
	}
	return fmt.Sprintf("| %s | %s | %s → %s | %s | %s | %s |\n",
		status(e), safeLink("#"+strconv.Itoa(dr.Number), dr.HTMLURL),
		EscapeMarkdown(dr.Branch), EscapeMarkdown(dr.IntoBranch), approved, state, age(now, dr.CreatedAt))
}

func status(e Entry) string {
	switch {
	case e.Blocking && e.NeedsApproval:
		return "❌ needs approval"
	case e.Blocking:
		return "❌ not deployed"
	case e.NeedsApproval:
		return "⚠️ needs approval"
	case e.Stage == StageApplied:
		return "✅ applied"
	case e.Stage == StageNoChanges:
		return "➖ no changes"
	}
	return "✅ approved"
}

// age formats how long ago t was: 5m, 3h, 2d.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// RenderErrorMarkdown renders the summary of a run that could not decide.
func RenderErrorMarkdown(explanation string, r Report) string {
	var b strings.Builder
	b.WriteString("## ⚠️ Could not check deploy requests\n\n")
	if r.Organization != "" || r.Database != "" {
		fmt.Fprintf(&b, "Database: **%s/%s**\n\n", EscapeMarkdown(r.Organization), EscapeMarkdown(r.Database))
	}
	inList := false
	for _, line := range strings.Split(explanation, "\n") {
		line = strings.TrimSpace(line)
		if item, ok := strings.CutPrefix(line, "- "); ok {
			b.WriteString("- " + escapeWithCode(item) + "\n") // one problem of several
			inList = true
			continue
		}
		if inList {
			b.WriteString("\n")
			inList = false
		}
		if line != "" {
			b.WriteString(escapeWithCode(line) + "\n\n")
		}
	}
	if inList {
		b.WriteString("\n")
	}
	b.WriteString("The gate fails closed: this step stays red until it can show that no deploy request blocks.\n")
	fmt.Fprintf(&b, "\n<sub>deploy-request-gate · checked %s</sub>\n", r.Now.UTC().Format("2006-01-02 15:04 UTC"))
	return b.String()
}

// Output is one step output.
type Output struct{ Name, Value string }

// deployRequestOutput is one item of the deploy-requests output.
type deployRequestOutput struct {
	Number          int    `json:"number"`
	Branch          string `json:"branch"`
	IntoBranch      string `json:"into_branch"`
	Approved        bool   `json:"approved"`
	State           string `json:"state"`
	DeploymentState string `json:"deployment_state"`
	Deployable      bool   `json:"deployable"`
	HTMLURL         string `json:"html_url"`
	CreatedAt       string `json:"created_at"`
	Blocking        bool   `json:"blocking"`
}

// Outputs returns the step outputs for a verdict, in a fixed order.
func Outputs(v Verdict) []Output {
	result := "pass"
	if !v.Passed() {
		result = "fail"
	}
	var blocking []string
	items := make([]deployRequestOutput, 0, len(v.Matched))
	for _, e := range v.Matched {
		dr := e.DeployRequest
		if e.Blocking {
			blocking = append(blocking, strconv.Itoa(dr.Number))
		}
		created := ""
		if !dr.CreatedAt.IsZero() {
			created = dr.CreatedAt.UTC().Format(time.RFC3339)
		}
		items = append(items, deployRequestOutput{
			Number: dr.Number, Branch: dr.Branch, IntoBranch: dr.IntoBranch, Approved: dr.Approved,
			State: dr.State, DeploymentState: dr.DeploymentState, Deployable: dr.Deployable(),
			HTMLURL: dr.HTMLURL, CreatedAt: created, Blocking: e.Blocking,
		})
	}
	list, _ := json.Marshal(items) // plain strings, ints and bools: cannot fail
	return []Output{
		{"result", result},
		{"total", strconv.Itoa(len(v.Matched))},
		{"approved-count", strconv.Itoa(v.Approved)},
		{"unapproved-count", strconv.Itoa(v.Unapproved)},
		{"blocking", strings.Join(blocking, ",")},
		{"deploy-requests", string(list)},
	}
}
