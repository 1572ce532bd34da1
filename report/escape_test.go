package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
)

func TestEscapeWithCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"lacks `read_deploy_request` on \"shop\".", "lacks `read_deploy_request` on &quot;shop&quot;."},
		{"raise the `timeout` input", "raise the `timeout` input"},
		{"`a` and `b`", "`a` and `b`"},
		{"odd ` backtick <b>", "odd \\` backtick &lt;b&gt;"},
		{"html in code `<b>x</b>` stays code", "html in code `<b>x</b>` stays code"},
		{"empty `` pair", "empty \\`\\` pair"},
		{"no code [x](y)", "no code \\[x\\]\\(y\\)"},
	} {
		if got := escapeWithCode(tc.in); got != tc.want {
			t.Errorf("escapeWithCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// hostile strings an API (or a branch name) could carry.
var hostile = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"a|b",
	"||||",
	`a\|b`,
	`trailing\`,
	"[x](javascript:alert(1))",
	"![img](https://evil.example/x.png)",
	"`code` ``double``",
	"@org/team please look",
	"-starts-with-dash",
	"=starts-with-equals",
	"# heading",
	"line one\nline two\r\n| injected | row |\n",
	"\u2028paragraph\u2029separator",
	"&lt;script&gt; &amp;",
	"**bold** _em_ ~~strike~~",
	"<!-- comment -->",
	"${{ secrets.X }}",
	"",
}

func TestEscapeMarkdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"plain-branch", "plain-branch"},
		{"<script>", "&lt;script&gt;"},
		{"a|b", `a\|b`},
		{"[x](javascript:alert(1))", `\[x\]\(javascript:alert\(1\)\)`},
		{"`x`", "\\`x\\`"},
		{"@org/team", "@\u200borg/team"},
		{"-x", `\-x`},
		{"=x", `\=x`},
		{"a-b=c", "a-b=c"},
		{"line one\nline two", "line one line two"},
		{"  spaced \t out  ", "spaced out"},
		{`back\slash`, `back\\slash`},
		{"snake_case", `snake\_case`},
		{"&amp;", "&amp;amp;"},
		{`"quoted"`, "&quot;quoted&quot;"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := EscapeMarkdown(tt.in); got != tt.want {
			t.Errorf("EscapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEscapeMarkdownHostile: whatever the input, the result is one line with
// no HTML, no unescaped pipe and no live mention, and does not start a
// block.
func TestEscapeMarkdown_Hostile(t *testing.T) {
	t.Parallel()
	for _, in := range hostile {
		got := EscapeMarkdown(in)
		if strings.ContainsAny(got, "<>\n\r\u2028\u2029") {
			t.Errorf("EscapeMarkdown(%q) = %q: holds a raw < or > or a line break", in, got)
		}
		if n := testkit.UnescapedPipes(got); n != 0 {
			t.Errorf("EscapeMarkdown(%q) = %q: %d unescaped |", in, got, n)
		}
		if strings.Contains(got, "@") && !strings.Contains(got, "@\u200b") {
			t.Errorf("EscapeMarkdown(%q) = %q: a live @mention", in, got)
		}
		if strings.HasPrefix(got, "-") || strings.HasPrefix(got, "=") || strings.HasPrefix(got, "#") {
			t.Errorf("EscapeMarkdown(%q) = %q: starts a block", in, got)
		}
		if strings.Contains(got, "](") {
			t.Errorf("EscapeMarkdown(%q) = %q: a live link", in, got)
		}
	}
}

func TestSafeLink(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		url, want string
	}{
		"https":                      {"https://app.planetscale.com/acme/shop/deploy-requests/7", "[#7](https://app.planetscale.com/acme/shop/deploy-requests/7)"},
		"http":                       {"http://localhost:8080/dr/7", "[#7](http://localhost:8080/dr/7)"},
		"trimmed":                    {"  https://x.example/7\t", "[#7](https://x.example/7)"},
		"javascript":                 {"javascript:alert(1)", "#7"},
		"javascript_upper":           {"JavaScript:alert(1)", "#7"},
		"data":                       {"data:text/html,<script>alert(1)</script>", "#7"},
		"relative":                   {"/acme/shop/deploy-requests/7", "#7"},
		"relative_plain":             {"deploy-requests/7", "#7"},
		"scheme_relative":            {"//evil.example/7", "#7"},
		"no_host":                    {"https:///7", "#7"},
		"user_info":                  {"https://user:pw@evil.example/7", "#7"},
		"empty":                      {"", "#7"},
		"control_char":               {"https://x.example/\n7", "#7"},
		"parens_pipe_space_path":     {"https://x.example/a (b)|c", "[#7](https://x.example/a%20%28b%29%7Cc)"},
		"parens_pipe_space_query":    {"https://x.example/p?q=a (b)|c", "[#7](https://x.example/p?q=a%20%28b%29%7Cc)"},
		"angle_quote_backtick_query": {"https://x.example/p?q=<a>\"`", "[#7](https://x.example/p?q=%3Ca%3E%22%60)"},
		"backslash_path":             {`https://x.example/a\`, "[#7](https://x.example/a%5C)"},
		"backslash_query":            {`https://x.example/p?q=a\`, "[#7](https://x.example/p?q=a%5C)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := safeLink("#7", tt.url)
			if got != tt.want {
				t.Errorf("safeLink(%q) = %q, want %q", tt.url, got, tt.want)
			}
			if strings.Count(got, "(") > 1 || strings.Count(got, ")") > 1 || strings.Contains(got, "|") {
				t.Errorf("safeLink(%q) = %q: a ( ) or | could end the link or split the cell", tt.url, got)
			}
		})
	}
}

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

// unsafeRunes are the characters no rendered Markdown may hold: ESC, the
// other C0 and C1 controls, DEL, and every bidirectional control.
var unsafeRunes = []rune{0x1b, 0x00, 0x07, 0x7f, 0x85, 0x9b, 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029}

// TestMarkdown_stripsControlAndBidi renders a branch name holding each
// unsafe character in the summary, the comment, the failure and the sync
// summary: none survives, in a cell, in a code span or in a link.
func TestMarkdown_stripsControlAndBidi(t *testing.T) {
	t.Parallel()
	for _, r := range unsafeRunes {
		branch := "feat" + string(r) + "x"
		dr := testkit.DR(1, "ready", false)
		dr.Branch = branch
		dr.HTMLURL = "https://app.planetscale.com/acme/shop/deploy-requests/1?b=" + string(r)
		rep := Report{Organization: "acme", Database: "shop" + string(r), Now: testkit.Now, Filter: check.Filter{Branch: branch}}
		v := check.Evaluate([]check.DeployRequest{dr}, check.Filter{}, check.FailOnUnapproved)
		outs := map[string]string{
			"summary": Markdown(v, rep),
			"failure": FailureMarkdown(Failure{Lead: "branch `" + branch + "` in " + branch, Error: branch}, rep),
			"sync": SyncReposMarkdown([]SyncSection{{Repository: "acme/shop" + string(r), Rows: []SyncRow{{Number: 1,
				URL: "https://github.com/acme/shop/pull/1" + string(r), Branch: branch, Description: "blocked by " + branch}}}}, "planetscale/"+string(r)+"shop", rep),
		}
		for name, md := range outs {
			if strings.ContainsRune(md, r) {
				t.Errorf("%s holds %U:\n%q", name, r, md)
			}
			if !strings.Contains(md, "feat x") {
				t.Errorf("%s lacks the branch with %U made a space (feat x):\n%q", name, r, md)
			}
		}
	}
}
