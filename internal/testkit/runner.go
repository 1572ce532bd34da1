package testkit

import (
	"strings"
	"unicode"
)

// WorkflowCommand reports whether a GitHub runner reads line as a workflow
// command, and its name: the current form "::name …::" at the start of the
// line after white space, or the legacy "##[name …]" anywhere in it
// (actions/runner ActionCommand.TryParseV2 and TryParse, tried in that
// order). The runner compares culture-sensitively, passing over
// default-ignorable characters, so they are dropped first. Any name counts,
// registered with the runner or not.
func WorkflowCommand(line string) (name string, ok bool) {
	x := DropIgnorable(line)
	if rest, ok := strings.CutPrefix(strings.TrimLeftFunc(x, unicode.IsSpace), "::"); ok {
		if command, _, ok := strings.Cut(rest, "::"); ok {
			name, _, _ = strings.Cut(command, " ")
			return name, true
		}
	}
	if _, rest, ok := strings.Cut(x, "##["); ok {
		if command, _, ok := strings.Cut(rest, "]"); ok {
			name, _, _ = strings.Cut(command, " ")
			return name, true
		}
	}
	return "", false
}

// RunnerCommands returns the lines of log that a runner carries out as
// workflow commands (see WorkflowCommand), in order. From a line
// ::stop-commands::TOKEN until the line ::TOKEN:: the runner carries out
// nothing else; those two lines are returned.
func RunnerCommands(log string) []string {
	var out []string
	stoppedUntil := ""
	for _, line := range strings.FieldsFunc(log, func(r rune) bool { return r == '\n' || r == '\r' }) {
		name, ok := WorkflowCommand(line)
		switch {
		case !ok:
		case stoppedUntil != "":
			if strings.EqualFold(name, stoppedUntil) {
				stoppedUntil = ""
				out = append(out, line)
			}
		default:
			if name == "stop-commands" {
				_, stoppedUntil, _ = strings.Cut(strings.TrimSpace(line), "::stop-commands::")
			}
			out = append(out, line)
		}
	}
	return out
}

// Ignorable are code points a culture-sensitive comparison passes over, as
// the runner's does: soft hyphen, combining grapheme joiner, Mongolian
// vowel separator, zero-width space, non-joiner and joiner, word joiner,
// a variation selector, the byte order mark, the Hangul filler and a tag.
// The tests hide command forms with each; DropIgnorable drops all of
// Unicode's default-ignorable code points.
const Ignorable = "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\ufe0f\ufeff\u3164\U000e0001"

// DropIgnorable returns s without its default-ignorable code points
// (format characters, variation selectors and the other default
// ignorables).
func DropIgnorable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) {
			return -1
		}
		return r
	}, s)
}
