package sanitize

import (
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
)

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"clean", "page 2: 404 Not Found", "page 2: 404 Not Found"},
		{"empty", "", ""},
		{"unicode_kept", "añadir índice → main ✓ 日本", "añadir índice → main ✓ 日本"},
		{"cr_starts_no_command", "x\r::error::forged", "x ::error::forged"},
		{"lf_starts_no_command", "x\n::stop-commands::token", "x ::stop-commands::token"},
		{"crlf", "a\r\nb", "a  b"},
		{"tab", "a\tb", "a b"},
		{"nul_and_c0", "a\x00b\x01c\x1bd\x1f", "a b c d "},
		{"del", "a\x7fb", "a b"},
		{"nel_c1", "a\u0085b\u0080c\u009fd", "a b c d"},
		{"line_separator", "a\u2028::error::x", "a ::error::x"},
		{"paragraph_separator", "a\u2029b", "a b"},
		{"bidi_embeddings_and_overrides", "a\u202ab\u202bc\u202cd\u202de\u202ef", "a b c d e f"},
		{"bidi_isolates", "a\u2066b\u2067c\u2068d\u2069e", "a b c d e"},
		{"bidi_marks", "a\u200eb\u200fc\u061cd", "a b c d"},
		{"byte_order_mark", "\ufeffabc", " abc"},
		{"invalid_utf8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"invalid_utf8_run", "a\xff\xfeb", "a\ufffdb"},
		{"replacement_char_kept", "a\ufffdb", "a\ufffdb"},
		{"zero_width_space_kept", "@\u200bteam", "@\u200bteam"},
		{"leading_command_defused", "::error::forged", ": :error::forged"},
		{"indented_command_defused", " \u00a0 ::warning::forged", " \u00a0 : :warning::forged"},
		{"command_after_a_break_defused", "\n::stop-commands::t", " : :stop-commands::t"},
		{"ignorables_hide_no_command", "\u200b:\u200b:error::x", "\u200b:\u200b :error::x"},
		{"colons_inside_kept", "dial tcp [::1]:443: refused", "dial tcp [::1]:443: refused"},
		{"legacy_command_defused", "x ##[error]forged ###[group]y", "x ## [error]forged ### [group]y"},
		{"legacy_behind_ignorable_defused", "#\u00ad#[add-mask]x", "#\u00ad# [add-mask]x"},
		{"hashes_kept", "PR #7, ## heading, #[x]", "PR #7, ## heading, #[x]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Line(tt.in)
			if got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Line(got); again != got {
				t.Errorf("Line(Line(%q)) = %q, want it unchanged %q", tt.in, again, got)
			}
		})
	}
}

const (
	testID     = "k3x9q2w1z7ab"
	testSecret = "pscale_tkn_Zx81Qm_pL0v3ly|Secr3t*`~\\"
)

func TestRedactor(t *testing.T) {
	t.Parallel()
	r := NewRedactor(testID+":"+testSecret, testID, testSecret, "", "abc")
	tests := []struct {
		name, in, want string
	}{
		{"raw", "token " + testSecret + " rejected", "token *** rejected"},
		{"combined_longest_first", "Authorization: " + testID + ":" + testSecret, "Authorization: ***"},
		{"id_alone", "token id " + testID, "token id ***"},
		{"twice", testSecret + testSecret, "******"},
		{"query_escaped", "cb?auth=" + queryEscaped(testID+":"+testSecret), "cb?auth=***"},
		{"path_escaped", "/cb/" + pathEscaped(testSecret) + "/x", "/cb/***/x"},
		{"json_escaped", `{"token":"pscale_tkn_Zx81Qm_pL0v3ly|Secr3t*` + "`~\\\\" + `"}`, `{"token":"***"}`},
		{"markdown_escaped", `pscale\_tkn\_Zx81Qm\_pL0v3ly\|Secr3t\*` + "\\`\\~\\\\", "***"},
		{"short_secret_ignored", "abc abcd", "abc abcd"},
		{"nothing_to_remove", "page 1: 404", "page 1: 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := r.Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// queryEscaped and pathEscaped spell out the escaped forms by hand, so the
// test does not use the function under test's own helpers.
func queryEscaped(s string) string {
	return strings.NewReplacer(":", "%3A", "|", "%7C", "*", "%2A", "`", "%60", `\`, "%5C").Replace(s)
}

func pathEscaped(s string) string {
	return strings.NewReplacer("|", "%7C", "*", "%2A", "`", "%60", `\`, "%5C").Replace(s)
}

func TestRedactor_Line(t *testing.T) {
	t.Parallel()
	r := NewRedactor(testSecret)
	tests := []struct {
		name, in, want string
	}{
		{"secret_then_command", testSecret + "\r::error::x", "*** ::error::x"},
		{"control_before_and_after", "\n" + testSecret + "\x00", " *** "},
		{"secret_split_by_control_char_is_no_secret", "pscale_tkn_Zx81\nQm", "pscale_tkn_Zx81 Qm"},
		{"invalid_utf8_next_to_secret", "\xff" + testSecret + "\xfe", "\ufffd***\ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := r.Line(tt.in); got != tt.want {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactor_NilAndEmpty(t *testing.T) {
	t.Parallel()
	const in = "x\r" + testSecret
	var nilRedactor *Redactor
	for name, r := range map[string]*Redactor{"nil": nilRedactor, "zero": {}, "no_secrets": NewRedactor(), "only_short": NewRedactor("", "a", "ab", "abc")} {
		if got := r.Redact(in); got != in {
			t.Errorf("%s: Redact(%q) = %q, want it unchanged", name, in, got)
		}
		if got, want := r.Line(in), "x "+testSecret; got != want {
			t.Errorf("%s: Line(%q) = %q, want %q", name, in, got, want)
		}
		if got := r.Len(); got != 0 {
			t.Errorf("%s: Len() = %d, want 0", name, got)
		}
	}
}

func TestNewRedactor_Forms(t *testing.T) {
	t.Parallel()
	if got := NewRedactor("abcd").Len(); got != 1 {
		t.Errorf("a secret with nothing to escape has %d forms, want 1", got)
	}
	if got := NewRedactor("a_b:c d").Len(); got < 4 {
		t.Errorf("a secret with _ : and a space has %d forms, want its raw, query-, path-, JSON- and Markdown-escaped forms", got)
	}
}

// TestUnsafe_exactSet walks every rune and checks Unsafe against the set
// the README promises, spelt out here by hand: C0, DEL, C1, U+2028,
// U+2029, the bidirectional controls U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069, and U+FEFF. Nothing else is unsafe (so
// zero-width joiners in emoji and soft hyphens stay).
func TestUnsafe_exactSet(t *testing.T) {
	t.Parallel()
	want := func(r rune) bool {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			return true
		case r == 0x2028, r == 0x2029, r == 0x061c, r == 0x200e, r == 0x200f, r == 0xfeff:
			return true
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return true
		}
		return false
	}
	for r := rune(0); r <= 0x10ffff; r++ {
		if got := Unsafe(r); got != want(r) {
			t.Errorf("Unsafe(%U) = %v, want %v", r, got, want(r))
		}
	}
}

// TestJSON: the runes Line replaces become \u escapes inside strings; the
// indentation's line breaks and tabs, and clean text, stay as they are.
func TestJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`{"a": "b"}`, `{"a": "b"}`},
		{"{\n\t\"branch\": \"feat\u202eexe\u2067x\"\n}", "{\n\t\"branch\": \"feat\\u202eexe\\u2067x\"\n}"},
		{"[\"\x7f\u0085\u2028\u2029\ufeff\u061c\"]", `["\u007f\u0085\u2028\u2029\ufeff\u061c"]`},
		{`"caf\u00e9 ✓"`, `"caf\u00e9 ✓"`},
		{"[\"x ##[error]y\", \"#\u200b#[a]\", \"#[b]\", \"## [c]\"]", "[\"x ##\\u005berror]y\", \"#\u200b#\\u005ba]\", \"#[b]\", \"## [c]\"]"},
	} {
		if got := JSON(tc.in); got != tc.want {
			t.Errorf("JSON(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLine_ignorablesHideNoCommand: a command form with any of the code
// points the runner's comparison passes over in it is defused too.
func TestLine_ignorablesHideNoCommand(t *testing.T) {
	t.Parallel()
	for _, r := range testkit.Ignorable {
		for _, s := range []string{string(r) + "::error::x", ":" + string(r) + ":error::x", "#" + string(r) + "#[error]x", "##" + string(r) + "[error]x"} {
			if got := Line(s); got == s {
				t.Errorf("Line(%q) = %q: not defused", s, got)
			} else if name, ok := testkit.WorkflowCommand(got); ok {
				t.Errorf("Line(%q) = %q: the runner reads the command %q", s, got, name)
			}
		}
	}
}

// TestStrip: Strip replaces what Line replaces and leaves the command forms
// as written; Line is Strip, defused.
func TestStrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, strip, line string }{
		{"  ::warning::x ##[error]y", "  ::warning::x ##[error]y", "  : :warning::x ## [error]y"},
		{"a\r\n::error::b\u202e", "a  ::error::b ", "a  ::error::b "},
		{"\n::error::b", " ::error::b", " : :error::b"},
	} {
		if got := Strip(tc.in); got != tc.strip {
			t.Errorf("Strip(%q) = %q, want %q", tc.in, got, tc.strip)
		}
		if got := Line(tc.in); got != tc.line {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.line)
		}
	}
}
