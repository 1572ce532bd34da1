package sanitize

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
)

// lineBreakers are the runes besides the control characters that no output
// of Line may hold: line and paragraph separators, bidirectional controls,
// the byte order mark.
const lineBreakers = "\u2028\u2029\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"

// FuzzLine: whatever the input, Line returns valid UTF-8 on one line with
// no control character, no line or paragraph separator and no
// bidirectional control, keeps clean text as it is, and changes nothing
// the second time.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain text", "::error::x", "x ##[error]y", "\u200b:\u200b:warning::x", "#\u00ad#[add-mask]x", "#\u200b#[x", "\u200b::x", "a\r::error::x", "\n::stop-commands::t", "\u0085NEL", "\u2028", "\u202e\u2066bidi", "\xff\xfe", "\ufeff", "\x00\x7f\x9f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Line(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Line(%q) = %q: not valid UTF-8", s, got)
		}
		for i, r := range got {
			if unicode.IsControl(r) || strings.ContainsRune(lineBreakers, r) {
				t.Fatalf("Line(%q) = %q: holds %U at byte %d", s, got, r, i)
			}
		}
		if again := Line(got); again != got {
			t.Fatalf("Line(Line(%q)) = %q, want %q", s, again, got)
		}
		for _, line := range []string{got, "  " + got, "x " + got} {
			if name, ok := testkit.WorkflowCommand(line); ok {
				t.Fatalf("Line(%q) = %q: a runner reads %q as the workflow command %q", s, got, line, name)
			}
		}
		visible := testkit.DropIgnorable(s) // what the runner compares
		if utf8.ValidString(s) && !strings.Contains(visible, "##[") && !strings.HasPrefix(strings.TrimLeftFunc(visible, unicode.IsSpace), ":") &&
			!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || strings.ContainsRune(lineBreakers, r) }) && got != s {
			t.Fatalf("Line(%q) = %q: changed clean text", s, got)
		}
	})
}

// FuzzRedactor: a secret put anywhere in any text, in any of the forms it
// may be echoed in and next to control characters, never survives
// Redactor.Line, neither whole nor in any of those forms.
func FuzzRedactor(f *testing.F) {
	f.Add("before ", " after", "Zx81QmpL0v3ly", uint8(0), uint8('\r'))
	f.Add("", "", "a", uint8(1), uint8('\n'))
	f.Add("::error::", "\u2028", "secret_with_underscores", uint8(2), uint8(0))
	f.Add("pscale_tkn_", "pscale\\_tkn", "x", uint8(3), uint8(0x85))
	f.Add("\xff", "\xfe", "Q", uint8(4), uint8('\t'))
	f.Add("k3x9q2w1z7ab%3A", "", "tail", uint8(5), uint8(0x1b))
	f.Fuzz(func(t *testing.T, before, after, tail string, form, ctl uint8) {
		id, secret := "k3x9q2w1z7ab", "pscale_tkn_"+tokenChars(tail)
		combined := id + ":" + secret
		r := NewRedactor(combined, id, secret)
		forms := echoForms(combined)
		echo := forms[int(form)%len(forms)]
		c := string(rune(ctl))
		for _, text := range []string{before + echo + after, before + c + echo + c + after, c + echo, echo + c} {
			got := r.Line(text)
			for _, s := range []string{secret, combined} {
				for _, leak := range echoForms(s) {
					if strings.Contains(got, leak) {
						t.Fatalf("Line(%q) = %q: the secret survives as %q", text, got, leak)
					}
				}
			}
		}
	})
}

// tokenChars keeps the characters a PlanetScale secret is made of.
func tokenChars(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return r
		}
		return -1
	}, s)
}

// echoForms are s as an API or a renderer may echo it: raw, percent-encoded,
// JSON-escaped (the same for a token's characters) and Markdown-escaped.
// They are spelt out here, not taken from the package.
func echoForms(s string) []string {
	return []string{
		s,
		strings.ReplaceAll(s, ":", "%3A"),
		strings.ReplaceAll(s, "_", `\_`),
		strings.ReplaceAll(strings.ReplaceAll(s, "_", `\_`), ":", `\:`),
		strings.ReplaceAll(s, ":", "%3a"),
	}
}

// FuzzJSON: whatever string a JSON document holds, JSON leaves it the
// same data, holding no rune Line would replace but the line breaks of
// indentation, and changes nothing the second time.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "a\u202eb", "\x1b[31m\x7f\u0085", "\u2028\u2029\ufeff", "\xff", "\\u202e", "::error::x", "a ##[warning]b", "#\u200b#[x]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := json.MarshalIndent(map[string][]string{s: {s, "x"}}, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		got := JSON(string(in))
		var back map[string][]string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("JSON(%q) = %q: not JSON: %v", in, got, err)
		}
		var want map[string][]string
		_ = json.Unmarshal(in, &want)
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("JSON(%q) reads back as %q, want %q", in, back, want)
		}
		for i, r := range got {
			if r != '\n' && r != '\t' && (unicode.IsControl(r) || strings.ContainsRune(lineBreakers, r)) {
				t.Fatalf("JSON(%q) = %q: holds %U at byte %d", in, got, r, i)
			}
		}
		for _, line := range strings.Split(got, "\n") {
			if name, ok := testkit.WorkflowCommand(line); ok {
				t.Fatalf("JSON(%q) = %q: a runner reads %q as the workflow command %q", in, got, line, name)
			}
		}
		if again := JSON(got); again != got {
			t.Fatalf("JSON(JSON(%q)) = %q, want %q", in, again, got)
		}
	})
}
