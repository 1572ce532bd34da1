package report

import (
	"fmt"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// DatabaseSection is one database of a run over several: its verdict, or
// why the gate could not decide for it.
type DatabaseSection struct {
	// Report is the database's frame (its Database set).
	Report Report
	// Verdict is the database's verdict when Failure is nil.
	Verdict check.Verdict
	// Failure says why the gate could not decide for this database.
	Failure *Failure
}

// Result is the section's result as the result output spells it.
func (s DatabaseSection) Result() string {
	switch {
	case s.Failure != nil:
		return "error"
	case !s.Verdict.Passed():
		return "fail"
	}
	return "pass"
}

// DatabasesMarkdown renders a run over several databases: one headline for
// all, a table with one row per database, then one section per database
// (its own report, headline and all, under a third-level heading) and one
// footer. r.MaxBytes (or a little under SummaryLimit) is shared among the
// sections.
func DatabasesMarkdown(sections []DatabaseSection, r Report) string {
	limit := r.limit()
	var errs, fails int
	for _, s := range sections {
		switch s.Result() {
		case "error":
			errs++
		case "fail":
			fails++
		}
	}
	var b strings.Builder
	n := len(sections)
	switch {
	case errs > 0:
		fmt.Fprintf(&b, "## ⚠️ Could not check %d of %s\n\n", errs, Plural(n, "database", "databases"))
	case fails > 0:
		fmt.Fprintf(&b, "## ❌ %d of %d databases %s blocked by deploy requests\n\n", fails, n, map[bool]string{true: "is", false: "are"}[fails == 1])
	default:
		fmt.Fprintf(&b, "## ✅ No deploy request blocks this change in any of the %d databases\n\n", n)
	}
	b.WriteString("| Database | Result | Matched | Approved | Not approved | Blocking |\n|---|---|---|---|---|---|\n")
	for _, s := range sections {
		name := r.text(s.Report.Organization + "/" + s.Report.Database)
		if s.Failure != nil {
			fmt.Fprintf(&b, "| %s | ⚠️ could not check | – | – | – | – |\n", name)
			continue
		}
		v := s.Verdict
		result := "✅ pass"
		if s.Result() == "fail" {
			result = "❌ fail"
		}
		blocking := make([]string, 0, len(v.Blocking()))
		for _, e := range v.Blocking() {
			blocking = append(blocking, r.requestLink(e.DeployRequest.Number, e.DeployRequest.HTMLURL))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s |\n", name, result, len(v.Matched), v.Approved, v.Unapproved, strings.Join(blocking, ", "))
	}
	footer := checkedFooter(r.Now)
	room := (limit - b.Len() - len(footer)) / max(n, 1)
	for _, s := range sections {
		sr := s.Report
		sr.MaxBytes = room - 200 // its heading
		var md string
		if s.Failure != nil {
			md = FailureMarkdown(*s.Failure, sr)
		} else {
			md = Markdown(s.Verdict, sr)
		}
		if body, foot := cutFooter(md); foot != "" {
			md = strings.TrimRight(body, "\n") + "\n"
		}
		md = strings.TrimPrefix(md, "## ")
		fmt.Fprintf(&b, "\n### %s · %s", r.text(sr.Database), md)
	}
	b.WriteString(footer)
	return b.String()
}

// WithNote puts a paragraph of the front end's own Markdown (not escaped)
// just before a report's footer, or at its end when it has none.
func WithNote(md, note string) string {
	body, foot := cutFooter(md)
	return body + "\n" + note + "\n" + foot
}
