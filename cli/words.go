package cli

import (
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/report"
)

// Small words the tables share.

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// approvalWord words require_approval_for_deploy for a table cell.
func approvalWord(required bool) string {
	if required {
		return "required"
	}
	return "not required"
}

// orDash shows an empty value as "-".
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// joinNonEmpty joins the values that are not empty.
func joinNonEmpty(sep string, values ...string) string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, sep)
}

// stamp shows a time in UTC with its age: "2025-03-14 10:00 UTC (251d ago)".
func stamp(s *session, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	age := report.Age(s.now(), t)
	if age != "just now" {
		age += " ago"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC") + " (" + age + ")"
}

// wrap breaks each line of s at spaces so it fits width columns; the lines
// it adds start with indent. A word longer than the width stays whole, and
// a line that starts with two spaces (a command to copy, a list) is left
// as it is.
func wrap(s string, width int, indent string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "  ") {
			continue
		}
		var b strings.Builder
		col := 0
		for j, word := range strings.Split(line, " ") {
			w := textWidth(word)
			if j > 0 && col+1+w > width && col > textWidth(indent) {
				b.WriteString("\n" + indent)
				col = textWidth(indent)
			} else if j > 0 {
				b.WriteByte(' ')
				col++
			}
			b.WriteString(word)
			col += w
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}
