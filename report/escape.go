package report

import (
	"net/url"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// markdownEscaper makes text from the API or the user inert in GitHub
// Markdown: HTML becomes entities, Markdown punctuation is backslash-escaped,
// and the pipe, which would split a table cell, is escaped too.
var markdownEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "#", "\\#\u200b", "+", `\+`,
	"!", `\!`, "|", `\|`, "~", `\~`, "@", "@\u200b",
)

// EscapeMarkdown returns s as literal text for a Markdown paragraph or table
// cell, on one line: first the one sanitizer (sanitize.Strip) turns control
// characters (ESC, C0, C1), line and paragraph separators and bidirectional
// controls into spaces, then runs of spaces become one. A leading "-", "=" or "1." is escaped too, so s cannot
// start a list or a heading underline, "@" cannot mention anyone and "#123"
// cannot reference an issue (a zero-width space follows each "@" and "#").
func EscapeMarkdown(s string) string {
	s = strings.Join(strings.Fields(sanitize.Strip(s)), " ")
	s = markdownEscaper.Replace(s)
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "=") {
		s = `\` + s
	}
	// "1. " or "1) " would start an ordered list: escape its dot or parenthesis.
	if digits := len(s) - len(strings.TrimLeft(s, "0123456789")); digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		s = s[:digits] + `\` + s[digits:]
	}
	return s
}

// escapeWithCode escapes s like EscapeMarkdown but keeps `code` spans: text
// between a pair of backticks is shown as code (where Markdown and HTML are
// inert anyway). With an odd number of backticks everything is escaped.
// Code spans are written as s has them, so s must come stripped of control
// and bidi characters: its one caller, Report.prose, runs Redactor.Strip.
func escapeWithCode(s string) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		return EscapeMarkdown(s)
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			if strings.TrimSpace(p) == "" {
				b.WriteString("\\`\\`") // not a code span: show the backticks
			} else {
				b.WriteString("`" + strings.Join(strings.Fields(p), " ") + "`")
			}
			continue
		}
		e := EscapeMarkdown(p)
		if i > 0 && strings.HasPrefix(p, " ") || e == "" && p != "" {
			b.WriteByte(' ')
		}
		b.WriteString(e)
		if i < len(parts)-1 && strings.HasSuffix(p, " ") && e != "" {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// safeLink returns a Markdown link to rawURL with the (already escaped)
// text, or just the text when rawURL is not an absolute http(s) URL or
// holds a character sanitize.Strip would replace.
func safeLink(text, rawURL string) string {
	rawURL = strings.TrimSpace(rawURL)
	if sanitize.Strip(rawURL) != rawURL {
		return text
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return text
	}
	// Characters that would end the link or break the table, percent-encoded
	// (a backslash left in a query would escape the closing parenthesis).
	dest := strings.NewReplacer("(", "%28", ")", "%29", "|", "%7C", " ", "%20", "<", "%3C", ">", "%3E", `"`, "%22", "`", "%60", `\`, "%5C").Replace(u.String())
	return "[" + text + "](" + dest + ")"
}
