package report

import (
	"regexp"
	"strings"
	"time"
)

// The footer is the last line of every Markdown report: what the run did
// (footerChecked, footerSynced) and when. It is built here only (footer),
// found here only (cutFooter) and its time is ignored here only (stamp).
const (
	footerStart   = "\n<sub>deploy-request-gate · "
	footerEnd     = "</sub>\n"
	footerChecked = "checked"
	footerSynced  = "synced"
)

// footer words the footer of a run that did what (footerChecked,
// footerSynced) at when.
func footer(what, when string) string { return footerStart + what + " " + when + footerEnd }

// checkedFooter is the footer of a check that ran at now, to the minute.
func checkedFooter(now time.Time) string {
	return footer(footerChecked, now.UTC().Format("2006-01-02 15:04 UTC"))
}

// cutFooter splits a rendered report at its footer: the text before it
// and the footer, or md whole and "" when it has none.
func cutFooter(md string) (body, foot string) {
	i := strings.LastIndex(md, footerStart)
	if i < 0 {
		return md, ""
	}
	return md[:i], md[i:]
}

// stamp is the time in the footer of a comment or summary.
var stamp = regexp.MustCompile(`(?m)^(` + regexp.QuoteMeta(strings.TrimPrefix(footerStart, "\n")) +
	`(?:` + footerChecked + `|` + footerSynced + `)) [^<]*(` + regexp.QuoteMeta(strings.TrimSuffix(footerEnd, "\n")) + `)$`)

// SameContent reports whether two renderings differ at most in their
// footer's time, so a comment is not edited just to move its clock.
func SameContent(a, b string) bool {
	return stamp.ReplaceAllString(a, "$1$2") == stamp.ReplaceAllString(b, "$1$2")
}
