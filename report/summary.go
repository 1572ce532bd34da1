package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// SummaryLimit is the size GitHub allows a step's job summary (1 MiB).
const SummaryLimit = 1 << 20

// Report holds what a rendered verdict shows besides the verdict itself.
type Report struct {
	Organization string
	Database     string
	Filter       check.Filter
	// Now is when the check ran; ages are measured from it.
	Now time.Time
	// MaxBytes bounds the Markdown; 0 means a little under SummaryLimit.
	MaxBytes int
	// Redactor removes known secrets from outside text before it is escaped.
	Redactor *sanitize.Redactor
	// Name words a setting in the front end's terms ("`fail-on: undeployed`"
	// needs the name of fail-on); nil names it as in the action.
	Name func(check.Setting) string
	// FullList says where the whole list is when the table is cut short,
	// such as "the `deploy-requests` output lists them all".
	FullList string
}

// text makes outside text safe: secrets removed, then escaped.
func (r Report) text(s string) string { return EscapeMarkdown(r.Redactor.Strip(s)) }

// limit is the most bytes the Markdown may take: r.MaxBytes, or a little
// under SummaryLimit when that is 0.
func (r Report) limit() int {
	if r.MaxBytes <= 0 {
		return SummaryLimit - 16<<10
	}
	return r.MaxBytes
}

// requestLink links "#n" to a deploy request's page, url cleared of
// secrets; just "#n" when url is not a safe link (see safeLink).
func (r Report) requestLink(n int, url string) string {
	return safeLink("#"+strconv.Itoa(n), r.Redactor.Redact(url))
}

// Markdown renders the verdict as GitHub Markdown: a one-line verdict, the
// counts, notes, and a table with one row per matched deploy request
// (blocking ones first), each number linking to the request, then the
// review cards the verdict carries (see Cards). Text from the
// API or the settings is escaped. When the table would pass r.MaxBytes, the
// last row says how many were left out.
func Markdown(v check.Verdict, r Report) string {
	limit := r.limit()
	var b strings.Builder
	b.WriteString(Headline(v, r))
	b.WriteString("\n\n")
	b.WriteString(scopeLine(v, r))
	b.WriteString("\n")
	if v.ApprovalRequired != nil && !*v.ApprovalRequired {
		fmt.Fprintf(&b, "\n> [!NOTE]\n> Database **%s** does not require approval for deploy requests, so PlanetScale leaves `approved` false unless someone approves anyway. "+
			"Approve each request, turn on *Require administrator approval for deploy requests* in the database settings, or use %s to gate on deployment instead.\n",
			r.text(r.Database), policyName(r, check.FailOnUndeployed))
	}
	if unknown := v.UnknownStates(); len(unknown) > 0 {
		fmt.Fprintf(&b, "\n> [!WARNING]\n> Unknown deployment state %s: treated as not deployed, so it blocks when unapproved.\n", unknownList(unknown, r))
	}
	footer := checkedFooter(r.Now)
	if len(v.Matched) > 0 {
		b.WriteString("\n| Status | Deploy request | Branch | Approved | Deployment state | Age |\n|---|---|---|---|---|---|\n")
		rows := v.BlockingFirst()
		for i, e := range rows {
			row := tableRow(e, r)
			const moreLine = 200 // room for the "and N more" line
			if b.Len()+len(row)+len(footer)+moreLine > limit {
				more := fmt.Sprintf("\n_…and %d more deploy requests, left out to keep this under GitHub's size limit", len(rows)-i)
				if r.FullList != "" {
					more += "; " + r.FullList
				}
				b.WriteString(more + "._\n")
				break
			}
			b.WriteString(row)
		}
	}
	b.WriteString(Cards(v, r, b.Len()+len(footer), limit))
	b.WriteString(footer)
	return b.String()
}

// unknownList lists a few unknown states, each cut short, so values from
// the API cannot push the summary past its size limit.
func unknownList(unknown []string, r Report) string {
	const maxListed, maxLen = 5, 64
	shown := make([]string, 0, maxListed)
	for _, s := range unknown[:min(len(unknown), maxListed)] {
		s = r.Redactor.Redact(s) // before the cut, which could leave part of a secret
		if s == "" {
			s = "(empty)"
		}
		if runes := []rune(s); len(runes) > maxLen {
			s = string(runes[:maxLen]) + "…"
		}
		shown = append(shown, EscapeMarkdown(s))
	}
	list := strings.Join(shown, ", ")
	if more := len(unknown) - len(shown); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	return list
}

// policyName words a fail-on value: `fail-on: never` in the action.
func policyName(r Report, p check.Policy) string {
	if r.Name == nil {
		return "`fail-on: " + EscapeMarkdown(string(p)) + "`"
	}
	return r.Name(check.SettingFailOn) + " " + EscapeMarkdown(string(p))
}

// Headline is the report's first line: the verdict as a Markdown heading.
func Headline(v check.Verdict, r Report) string {
	blocking := len(v.Blocking())
	needApproval := v.Unapproved
	switch {
	case blocking > 0 && v.Policy == check.FailOnDeployOrder:
		return orderHeadline(blocking)
	case blocking > 0 && v.Policy == check.FailOnUndeployed:
		return fmt.Sprintf("## ❌ %s not deployed yet", Plural(blocking, "deploy request is", "deploy requests are"))
	case blocking > 0:
		return fmt.Sprintf("## ❌ %s approval", Plural(blocking, "deploy request needs", "deploy requests need"))
	case v.Policy == check.FailNever && needApproval > 0:
		return fmt.Sprintf("## ⚠️ %s approval (report only: %s)", Plural(needApproval, "deploy request needs", "deploy requests need"), policyName(r, check.FailNever))
	case len(v.Matched) == 0:
		return "## ✅ No open deploy requests"
	}
	return "## ✅ No deploy request blocks this change"
}

func scopeLine(v check.Verdict, r Report) string {
	scope := "open deploy requests"
	if r.Filter.Branch != "" {
		scope += " from **" + r.text(r.Filter.Branch) + "**"
	}
	if r.Filter.IntoBranch != "" {
		scope += " into **" + r.text(r.Filter.IntoBranch) + "**"
	}
	return fmt.Sprintf("Checked %s of **%s/%s** with %s: %d matched, %d approved, %d not deployed and not approved.",
		scope, r.text(r.Organization), r.text(r.Database), policyName(r, v.Policy),
		len(v.Matched), v.Approved, v.Unapproved)
}

func tableRow(e check.Entry, r Report) string {
	dr := e.DeployRequest
	approved := "no"
	if dr.Approved {
		approved = "yes"
	}
	state := r.text(dr.DeploymentState)
	if !e.KnownState {
		state += " (unknown)"
	}
	return fmt.Sprintf("| %s | %s | %s → %s | %s | %s | %s |\n",
		Status(e), r.requestLink(dr.Number, dr.HTMLURL),
		r.text(dr.Branch), r.text(dr.IntoBranch), approved, state, Age(r.Now, dr.CreatedAt))
}

// Status words what the gate makes of one request, with an emoji.
func Status(e check.Entry) string {
	switch {
	case e.Order != nil:
		return orderStatus(*e.Order)
	case e.Blocking && e.NeedsApproval:
		return "❌ needs approval"
	case e.Blocking:
		return "❌ not deployed"
	case e.NeedsApproval:
		return "⚠️ needs approval"
	case e.Stage == check.StageApplied:
		return "✅ applied"
	case e.Stage == check.StageNoChanges:
		return "➖ no changes"
	}
	return "✅ approved"
}

// Age formats how long ago t was: 5m, 3h, 2d.
func Age(now, t time.Time) string {
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

// Plural writes "1 thing" or "N things".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
