package ghreport

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
)

// MaxCommentLength is GitHub's limit on a comment body, in characters.
// FitComment counts UTF-16 code units, which is never less than the
// characters GitHub counts, so a fitted body is never refused.
const MaxCommentLength = 65536

// FitComment returns the comment body that is stored: the marker on the
// first line, then body. When that is longer than MaxCommentLength, whole
// lines are dropped from the end, a code fence or <details> block the cut
// left open is closed, and tail(dropped) ends the comment after a blank
// line, so the Markdown still renders and the marker survives. The caller
// renders one item per line and counts its items in dropped for "and N
// more" and a link to the run; a nil tail notes how many lines were cut.
func FitComment(marker, body string, tail func(dropped []string) string) string {
	return fitComment(marker, body, tail, MaxCommentLength)
}

func fitComment(marker, body string, tail func([]string) string, limit int) string {
	head := marker + "\n"
	if full := head + body; textLen(full) <= limit {
		return full
	}
	if tail == nil {
		tail = linesCut
	}
	lines := strings.Split(body, "\n")
	// upTo[k] is the length of lines[:k], each with its newline.
	upTo := make([]int, len(lines)+1)
	for i, l := range lines {
		upTo[i+1] = upTo[i] + textLen(l) + 1
	}
	// Reserve room for the longest tail (all lines dropped) and closers,
	// then step back while the real assembly still does not fit.
	budget := limit - textLen(head) - textLen(tail(lines)) - 64
	keep := sort.Search(len(lines)+1, func(k int) bool { return upTo[k] > budget }) - 1
	keep = max(keep, 0)
	for ; keep >= 0; keep-- {
		if out := assemble(head, lines[:keep], tail(lines[keep:])); textLen(out) <= limit {
			return out
		}
	}
	return cutText(head+"\n"+tail(lines), limit) // only a tail longer than the limit gets here
}

// assemble joins the kept lines, closes what they left open, and adds the tail.
func assemble(head string, kept []string, tail string) string {
	var b strings.Builder
	b.WriteString(head)
	for _, l := range kept {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteString(closers(kept))
	b.WriteByte('\n')
	b.WriteString(tail)
	return b.String()
}

// closers returns the lines that close a code fence or <details> blocks
// left open at the end of lines.
func closers(lines []string) string {
	var (
		fence   string // the open fence's run of ` or ~, "" outside one
		details int
	)
	for _, l := range lines {
		run, rest := fenceRun(l)
		switch {
		case fence == "" && run != "":
			fence = run
		case fence != "":
			if run != "" && run[0] == fence[0] && len(run) >= len(fence) && strings.TrimSpace(rest) == "" {
				fence = ""
			}
		default:
			low := strings.ToLower(l)
			details += strings.Count(low, "<details") - strings.Count(low, "</details>")
		}
	}
	var b strings.Builder
	if fence != "" {
		b.WriteString(fence + "\n")
	}
	for range max(details, 0) {
		b.WriteString("</details>\n")
	}
	return b.String()
}

// fenceRun returns the run of three or more ` or ~ a fence line starts
// with (after at most three spaces), and the rest of the line.
func fenceRun(line string) (run, rest string) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return "", ""
	}
	rest = strings.TrimLeft(t, t[:1])
	if n := len(t) - len(rest); n >= 3 {
		return t[:n], rest
	}
	return "", ""
}

// linesCut is the tail used when the caller gives none.
func linesCut(dropped []string) string {
	n := 0
	for _, l := range dropped {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return fmt.Sprintf("_… %d more lines cut to fit GitHub's comment limit._\n", n)
}

// textLen is the length of s in UTF-16 code units.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cutText returns s cut to at most limit UTF-16 code units, on a
// character boundary.
func cutText(s string, limit int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > limit {
			return s[:i]
		}
	}
	return s
}
