package report

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// blockStart matches text that would open a Markdown block at the start of
// a line: a list item (-, +, * or a number then . or ), a heading, a
// quote, a code fence or indented code, an HTML block, a table row, or a
// heading underline or thematic break.
var blockStart = regexp.MustCompile("^(?:[-+*](?:[ \t]|$)|[0-9]{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>|```|~~~|    |\t|<|\\||=+[ \t]*$|(?:[-*_][ \t]*){3,}$)")

// FuzzEscapeMarkdown: whatever the text, EscapeMarkdown returns one line
// with no raw < or >, no unescaped |, no live @mention, no link or image,
// that does not start a block.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := EscapeMarkdown(s)
		if strings.ContainsAny(got, "<>\n\r\u2028\u2029\u0085") {
			t.Fatalf("EscapeMarkdown(%q) = %q: a raw < or > or a line break", s, got)
		}
		if n := testkit.UnescapedPipes(got); n != 0 {
			t.Fatalf("EscapeMarkdown(%q) = %q: %d unescaped |", s, got, n)
		}
		if strings.Count(got, "@") != strings.Count(got, "@\u200b") {
			t.Fatalf("EscapeMarkdown(%q) = %q: a live @mention", s, got)
		}
		if live := liveLinkSyntax(got); live != "" {
			t.Fatalf("EscapeMarkdown(%q) = %q: live %s", s, got, live)
		}
		if blockStart.MatchString(got) {
			t.Fatalf("EscapeMarkdown(%q) = %q: starts a Markdown block", s, got)
		}
	})
}

// liveLinkSyntax names the link or image syntax left unescaped in s, or "".
func liveLinkSyntax(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++ // the next byte is escaped
			continue
		}
		switch {
		case s[i] == '[' || s[i] == ']':
			return "link bracket " + string(s[i])
		case s[i] == '(' || s[i] == ')':
			return "link parenthesis " + string(s[i])
		case s[i] == '!' && i+1 < len(s) && s[i+1] == '[':
			return "image"
		}
	}
	return ""
}

// FuzzMarkdown: a verdict built from fuzzed branch names, states and URLs,
// with a secret put into one of them, renders with its table intact (every
// row has the 7 cell separators, every line of the table is a row), stays
// under MaxBytes, and never shows the secret the Redactor was given, whole
// or half, escaped or not.
func FuzzMarkdown(f *testing.F) {
	f.Add("feature-1", "main", "ready", "https://app.planetscale.com/acme/shop/deploy-requests/1", uint8(0), uint16(0), false)
	f.Add("a|b\\", "<b>", "rolling_out", "https://x.example/a (b)|c?q=\\`", uint8(3), uint16(2000), true)
	f.Add("pscale_tkn_", "pscale\\_tkn\\_", "|", "https://evil.example/cb?t=", uint8(7), uint16(100), false)
	f.Add("line\none\r| injected | row |", "@org/team", "\u2028", "javascript:alert(1)", uint8(1), uint16(65535), true)
	f.Add("-x", "# h", "`", "https://x.example/\\", uint8(255), uint16(7), false)
	f.Fuzz(func(t *testing.T, branch, into, state, link string, at uint8, extra uint16, many bool) {
		fields := []*string{&branch, &into, &state, &link}
		for _, s := range fields {
			if strings.Contains(*s, fuzzSecret[4:half]) || strings.Contains(*s, fuzzSecret[half:]) {
				return // half the secret came as input, not from the secret
			}
		}
		s := fields[at%4]
		i := int(at/4) % (len(*s) + 1)
		*s = (*s)[:i] + fuzzSecret + (*s)[i:]

		n := 3
		if many {
			n = 60 // enough rows to overflow the smaller limits
		}
		drs := make([]planetscale.DeployRequest, n)
		for i := range drs {
			d := testkit.DR(i+1, state, i%2 == 0)
			d.Branch, d.IntoBranch, d.HTMLURL = branch+strings.Repeat("|", i%3), into, link
			if i%3 == 1 {
				d.Branch, d.IntoBranch = into, branch // the same text in other cells
			}
			d.CreatedAt = testkit.Now.Add(-time.Duration(extra) * time.Minute)
			drs[i] = d
		}
		v := check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved)
		r := Report{Organization: "acme", Database: "shop", Now: testkit.Now, MaxBytes: 8192 + int(extra),
			Redactor: sanitize.NewRedactor(fuzzSecret), FullList: "the `deploy-requests` output lists them all"}
		md := Markdown(v, r)
		if len(md) > r.MaxBytes {
			t.Fatalf("len = %d bytes, want at most %d", len(md), r.MaxBytes)
		}
		// Half the secret is a leak too: a secret cut short before it was
		// redacted shows its first part.
		for _, s := range []string{fuzzSecret[:half], fuzzSecret[half:]} {
			for _, form := range testkit.EscapedForms(s) {
				if strings.Contains(md, form) {
					t.Fatalf("the Markdown shows the secret (%q) as %q:\n%s", fuzzSecret, form, md)
				}
			}
		}
		checkTable(t, md)
	})
}

// fuzzSecret is the secret FuzzMarkdown's Redactor knows; half is the
// length of its halves.
const (
	fuzzSecret = "pscale_tkn_FuzzSecretValue0123456789"
	half       = len(fuzzSecret) / 2
)

// checkTable fails unless every line of md's table is a row with exactly 7
// unescaped pipes.
func checkTable(t *testing.T, md string) {
	t.Helper()
	inTable := false
	for _, l := range testkit.Lines(md) {
		switch {
		case strings.HasPrefix(l, "| Status |"):
			inTable = true
		case inTable && l == "":
			inTable = false
		case inTable && l == "|---|---|---|---|---|---|":
		case inTable && testkit.UnescapedPipes(l) != 7:
			t.Fatalf("table row has %d unescaped |, want 7: %q\n%s", testkit.UnescapedPipes(l), l, md)
		case inTable && !strings.HasPrefix(l, "| "):
			t.Fatalf("line %q inside the table is not a row:\n%s", l, md)
		}
	}
}
