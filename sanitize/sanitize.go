// Package sanitize makes text that came from outside (API bodies, headers,
// transport and TLS errors, branch names, DDL) safe to print: Strip
// replaces every control and bidirectional character, so such text stays
// on its line; Line also defuses the forms a GitHub runner reads as a
// workflow command (::error::, ##[error], …) for log and terminal lines;
// JSON escapes the same in JSON text; and a Redactor removes known secrets
// before the text is escaped or rendered anywhere. Every log line,
// annotation and message that carries outside text goes through this one
// package.
package sanitize

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s on one line, for a log or a terminal: Strip, then
// defused, so that a GitHub runner reads no workflow command in it
// wherever the line lands: a space goes into every "##[" (the runner's
// legacy command form, which it finds anywhere in a line) and between the
// colons of a leading "::" (the current form, which it finds at the start
// of a line after white space).
func Line(s string) string { return defuse(Strip(s)) }

// Strip returns s on one line: CR, LF, tabs, every other C0 and C1 control
// character, DEL, the Unicode line and paragraph separators and the
// bidirectional overrides become a space; invalid UTF-8 becomes U+FFFD.
// Unlike Line it leaves command forms as they are, for text that must read
// exactly as written and that no runner reads as its log, such as a
// statement's lines in a Markdown card.
func Strip(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if Unsafe(r) {
			b.WriteByte(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// defuse puts a space before the rune that completes each command form
// in s (see Line).
func defuse(s string) string {
	at := commandForms(s, true)
	if len(at) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(at))
	done := 0
	for _, i := range at {
		b.WriteString(s[done:i])
		b.WriteByte(' ')
		done = i
	}
	b.WriteString(s[done:])
	return b.String()
}

// commandForms returns the byte offsets in s of the runes that complete a
// form a GitHub runner reads as a workflow command: the "[" of every "##["
// and, when s may start a line (atLineStart), the second colon of a
// leading "::". The runner compares strings culture-sensitively, which
// skips default-ignorable characters such as U+200B ZERO WIDTH SPACE, so
// those do not hide a form here either: "#\u200b#[" is one too.
func commandForms(s string, atLineStart bool) []int {
	var (
		at               []int
		lead             = atLineStart // nothing but white space and ignorables yet
		leadColon        bool          // the first rune after them is a colon
		last, beforeLast rune          // the last two runes that are not ignorable
	)
	for i, r := range s {
		if ignorable(r) {
			continue
		}
		if (r == '[' && last == '#' && beforeLast == '#') || (r == ':' && leadColon) {
			at = append(at, i)
		}
		leadColon = lead && r == ':'
		lead = lead && unicode.IsSpace(r)
		beforeLast, last = last, r
	}
	return at
}

// ignorable reports whether r is a default-ignorable code point, one a
// culture-sensitive comparison passes over.
func ignorable(r rune) bool {
	return r >= 0xad && unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

func isClean(s string) bool {
	for _, r := range s {
		if r == unicode.ReplacementChar || Unsafe(r) {
			return false
		}
	}
	return true
}

// unsafeTables are the Unicode tables whose runes Line replaces: line and
// paragraph separators (Zl, Zp) and the bidirectional controls
// (Bidi_Control: U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069),
// which can make a line read as another.
var unsafeTables = []*unicode.RangeTable{unicode.Zl, unicode.Zp, unicode.Bidi_Control}

// Unsafe reports whether Line replaces r: a control character
// (unicode.IsControl: C0, DEL and C1, ESC and NEL among them), a line or
// paragraph separator, a bidirectional control or a byte order mark.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unsafeTables...) || r == '\ufeff'
}

// JSON returns the JSON text j with every rune Line would replace written
// as a \u escape, and the "[" of every "##[" too, so the same data can be
// printed or echoed (a step output a later step prints, a command's
// --format json) without driving a terminal, reordering a line or being
// read as a workflow command (see Line; valid JSON starts no line with
// "::"). Valid JSON holds raw tabs, CR and LF only between tokens, where
// they stay; every other such rune, and "#", only inside strings, where
// the escape reads back as the same rune. Invalid UTF-8 (which
// encoding/json never writes) becomes U+FFFD.
func JSON(j string) string {
	j = strings.ToValidUTF8(j, "\uFFFD")
	forms := commandForms(j, false) // ascending
	var b strings.Builder
	done := 0
	for i, r := range j {
		form := len(forms) > 0 && forms[0] == i
		if form {
			forms = forms[1:]
		}
		if form || (r != '\n' && r != '\r' && r != '\t' && Unsafe(r)) {
			b.WriteString(j[done:i])
			fmt.Fprintf(&b, `\u%04x`, r) // every such rune is in the BMP
			done = i + utf8.RuneLen(r)
		}
	}
	if done == 0 {
		return j
	}
	b.WriteString(j[done:])
	return b.String()
}

// Mask replaces a secret in text.
const Mask = "***"

// Redactor removes known secret values from text. The zero value and a nil
// *Redactor remove nothing. It is safe for concurrent use once made.
type Redactor struct {
	forms []string // every secret in every form it may be echoed in, longest first
}

// NewRedactor returns a Redactor for secrets. Empty values and values
// shorter than four characters are ignored (masking them would blank out
// ordinary words). Each secret is also removed in the forms an API or a
// renderer may echo it in: percent-encoded, JSON-escaped and with Markdown
// punctuation backslash-escaped, and any two of these in turn.
func NewRedactor(secrets ...string) *Redactor {
	seen := map[string]bool{}
	var forms []string
	add := func(s string) {
		if len(s) >= 4 && !seen[s] {
			seen[s] = true
			forms = append(forms, s)
		}
	}
	escapers := []func(string) string{
		url.QueryEscape,
		url.PathEscape,
		func(s string) string {
			j, _ := json.Marshal(s) // a string: cannot fail
			return strings.Trim(string(j), `"`)
		},
		markdownEscaped.Replace,
	}
	for _, s := range secrets {
		add(s)
		// Every form one or two escapings away: JSON of a Markdown-escaped
		// secret, say, as a command line's JSON output of echoed text.
		for _, e1 := range escapers {
			once := e1(s)
			add(once)
			for _, e2 := range escapers {
				add(e2(once))
			}
		}
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return &Redactor{forms: forms}
}

var markdownEscaped = strings.NewReplacer(`\`, `\\`, "_", `\_`, "*", `\*`, "`", "\\`", "~", `\~`, "|", `\|`)

// Redact returns s with every known secret replaced by Mask.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	for _, f := range r.forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Mask)
		}
	}
	return s
}

// Line returns outside text ready for a log line: secrets removed, then
// control characters stripped (and secrets removed again, in case a control
// character had split one).
func (r *Redactor) Line(s string) string {
	return r.Redact(Line(r.Redact(s)))
}

// Strip returns outside text ready for Markdown or any text no runner
// reads as its log: secrets removed, then control characters stripped
// (and secrets removed again), command forms left as written.
func (r *Redactor) Strip(s string) string {
	return r.Redact(Strip(r.Redact(s)))
}

// Len returns how many forms of the secrets r removes.
func (r *Redactor) Len() int {
	if r == nil {
		return 0
	}
	return len(r.forms)
}
