package report

import (
	"fmt"
	"strings"
)

// Failure is what the summary of a run that could not decide shows, already
// worded for the front end; `code` spans in it are kept, everything else is
// escaped.
type Failure struct {
	// Lead is the paragraph that says what went wrong and how to fix it.
	Lead string
	// Items are problems listed under Lead (several input problems).
	Items []string
	// Error is the underlying error's text, if any.
	Error string
	// Help is the address of the troubleshooting entry, if any.
	Help string
}

// FailureMarkdown renders the summary of a run that could not decide.
func FailureMarkdown(f Failure, r Report) string {
	var b strings.Builder
	b.WriteString("## ⚠️ Could not check deploy requests\n\n")
	if r.Organization != "" || r.Database != "" {
		fmt.Fprintf(&b, "Database: **%s/%s**\n\n", r.text(r.Organization), r.text(r.Database))
	}
	if f.Lead != "" {
		b.WriteString(r.prose(f.Lead) + "\n\n")
	}
	for _, item := range f.Items {
		b.WriteString("- " + r.prose(item) + "\n")
	}
	if len(f.Items) > 0 {
		b.WriteString("\n")
	}
	if f.Error != "" {
		b.WriteString(r.prose("Error: "+f.Error) + "\n\n")
	}
	if f.Help != "" {
		b.WriteString(safeLink("Troubleshooting", f.Help) + "\n\n")
	}
	b.WriteString("The gate fails closed: this step stays red until it can show that no deploy request blocks.\n")
	b.WriteString(checkedFooter(r.Now))
	return b.String()
}

// prose escapes a paragraph the front end wrote around outside text: its
// `code` spans are kept, secrets are removed first.
func (r Report) prose(s string) string { return escapeWithCode(r.Redactor.Strip(s)) }
