// Package testkit holds what the tests of several packages share: fixed
// times, deploy requests, and readers of the logs and Markdown the gate
// writes. Only tests import it.
package testkit

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// Now is the time the tests run at.
var Now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// DR is an open deploy request #n from feature-n into main, created three
// hours before Now.
func DR(n int, state string, approved bool) check.DeployRequest {
	return check.DeployRequest{
		Number: n, Branch: "feature-" + strconv.Itoa(n), IntoBranch: "main", State: "open",
		DeploymentState: state, Approved: approved,
		HTMLURL:   fmt.Sprintf("https://app.planetscale.com/acme/shop/deploy-requests/%d", n),
		CreatedAt: Now.Add(-3 * time.Hour),
	}
}

// Lines splits a log into lines without the trailing empty one.
func Lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// LinesWithPrefix returns the lines of s that start with prefix.
func LinesWithPrefix(s, prefix string) []string {
	var out []string
	for _, l := range Lines(s) {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// TableRows returns a summary table's body rows (header and separator left
// out), up to the review cards (the "---" line before them).
func TableRows(md string) []string {
	var rows []string
	for _, l := range Lines(md) {
		if l == "---" {
			break
		}
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| Status |") {
			rows = append(rows, l)
		}
	}
	return rows
}

// Cells splits a Markdown table row at its unescaped pipes.
func Cells(row string) []string {
	var out []string
	start := 0
	for _, i := range unescapedPipes(row) {
		out = append(out, strings.TrimSpace(row[start:i]))
		start = i + 1
	}
	if len(out) > 0 {
		out = out[1:] // before the first |
	}
	return out
}

// UnescapedPipes counts the "|" in a Markdown line that are not escaped by
// an odd number of backslashes: the cell separators GitHub sees.
func UnescapedPipes(line string) int { return len(unescapedPipes(line)) }

func unescapedPipes(line string) []int {
	var at []int
	backslashes := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			backslashes++
			continue
		case '|':
			if backslashes%2 == 0 {
				at = append(at, i)
			}
		}
		backslashes = 0
	}
	return at
}

// SecretLeaks lists where a secret shows: in a log line other than an
// ::add-mask:: command, or anywhere in the named texts. Every escaped form
// of the secret counts too.
func SecretLeaks(secrets []string, log string, texts map[string]string) []string {
	var leaks []string
	for _, s := range secrets {
		for _, form := range EscapedForms(s) {
			for i, l := range Lines(log) {
				if !strings.HasPrefix(l, "::add-mask::") && strings.Contains(l, form) {
					leaks = append(leaks, fmt.Sprintf("log line %d shows a secret (%q): %q", i+1, form, l))
				}
			}
			for name, text := range texts {
				if strings.Contains(text, form) {
					leaks = append(leaks, fmt.Sprintf("%s shows a secret (%q)", name, form))
				}
			}
		}
	}
	return leaks
}

// EscapedForms is a secret as it is, and as Markdown, JSON, a workflow
// command or a URL would escape it.
func EscapedForms(secret string) []string {
	forms := []string{secret}
	for _, r := range []*strings.Replacer{
		strings.NewReplacer(`\`, `\\`, "_", `\_`, "*", `\*`, "`", "\\`", "~", `\~`, "|", `\|`, ":", `\:`),
		strings.NewReplacer("%", "%25", ":", "%3A", "\r", "%0D", "\n", "%0A"),
		strings.NewReplacer("_", "\\_"),
	} {
		if f := r.Replace(secret); f != secret {
			forms = append(forms, f)
		}
	}
	return forms
}
