package cli

import (
	"strings"
	"unicode"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// defaultWidth is the terminal width tables fit unless COLUMNS says
// otherwise.
const defaultWidth = 80

// columnGap separates two columns.
const columnGap = "  "

// table is the one renderer every list uses: a header and rows of cells,
// aligned in columns and fitted to a terminal width, long cells cut with
// "…". Cells may hold outside text: each is made one clean line first.
type table struct {
	header []string
	rows   [][]string
	// keep marks columns that are never cut (numbers, ages, yes/no).
	keep map[int]bool
	// early marks columns cut before the others, down to early's floor.
	early map[int]bool
	// cutters cut the cells of a column their own way (default cut).
	cutters map[int]func(s string, width int) string
	// redactor removes secrets from each cell before it is cut: a secret
	// cut short would no longer be found by the printer.
	redactor *sanitize.Redactor
}

// newTable starts a table with the given column names.
func newTable(header ...string) *table {
	return &table{header: header, keep: map[int]bool{}, early: map[int]bool{}, cutters: map[int]func(string, int) string{}}
}

// add appends a row; missing cells are empty.
func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// fixed marks columns that are never cut.
func (t *table) fixed(cols ...int) *table {
	for _, c := range cols {
		t.keep[c] = true
	}
	return t
}

// cutFirst marks columns to narrow before the others (a deployment state
// reads well cut short; a branch name does not), down to earlyFloor.
func (t *table) cutFirst(cols ...int) *table {
	for _, c := range cols {
		t.early[c] = true
	}
	return t
}

// earlyFloor is how far cutFirst columns are narrowed before the others.
const earlyFloor = 19

// arrows marks columns holding "branch → into", which are cut in the
// branch so the target stays readable.
func (t *table) arrows(cols ...int) *table {
	for _, c := range cols {
		t.cutters[c] = cutArrow
	}
	return t
}

// cutArrow cuts "from → into" to width by shortening from first.
func cutArrow(s string, width int) string {
	from, into, ok := strings.Cut(s, " → ")
	if !ok || textWidth(s) <= width {
		return s
	}
	if room := width - textWidth(" → "+into); room >= 4 {
		return cut(from, room) + " → " + into
	}
	return s
}

// render returns the table as lines fitted to width columns. Columns too
// wide for the width are narrowed, the widest first, down to their
// header's width (or 6), and their cells cut with "…".
func (t *table) render(width int) string {
	cells := make([][]string, 0, len(t.rows)+1)
	for _, row := range append([][]string{t.header}, t.rows...) {
		line := make([]string, len(t.header))
		for i := range line {
			if i < len(row) {
				line[i] = strings.Join(strings.Fields(t.redactor.Line(row[i])), " ")
			}
		}
		cells = append(cells, line)
	}
	widths := make([]int, len(t.header))
	for _, line := range cells {
		for i, c := range line {
			widths[i] = max(widths[i], textWidth(c))
		}
	}
	t.fit(widths, width)
	var b strings.Builder
	for _, line := range cells {
		var l strings.Builder
		for i, c := range line {
			if fn := t.cutters[i]; fn != nil {
				c = fn(c, widths[i])
			}
			c = cut(c, widths[i])
			l.WriteString(c)
			if i < len(line)-1 {
				l.WriteString(strings.Repeat(" ", widths[i]-textWidth(c)) + columnGap)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	return b.String()
}

// fit narrows widths until the columns and their gaps fit width.
func (t *table) fit(widths []int, width int) {
	total := len(columnGap) * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	for total > width {
		widest := t.widest(widths, func(i int) bool { return t.early[i] && widths[i] > max(textWidth(t.header[i]), earlyFloor) })
		if widest < 0 {
			widest = t.widest(widths, func(i int) bool { return !t.keep[i] && widths[i] > max(textWidth(t.header[i]), 6) })
		}
		if widest < 0 {
			return // as narrow as it goes: let the terminal wrap
		}
		widths[widest]--
		total--
	}
}

// widest returns the widest column that ok allows, or -1.
func (t *table) widest(widths []int, ok func(int) bool) int {
	widest := -1
	for i, w := range widths {
		if ok(i) && (widest < 0 || w > widths[widest]) {
			widest = i
		}
	}
	return widest
}

// cut shortens s to at most width terminal columns, ending with "…" when
// anything was cut.
func cut(s string, width int) string {
	if textWidth(s) <= width {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := runeWidth(r)
		if used+w > width-1 {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return strings.TrimRight(b.String(), " ") + "…"
}

// textWidth is how many terminal columns s takes.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is how many terminal columns r takes: 0 for combining marks and
// zero-width characters, 2 for East Asian wide characters and most emoji,
// 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b' || r == '\u200d' || r == '\ufe0f':
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0xa4cf, r >= 0xac00 && r <= 0xd7a3,
		r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f, r >= 0xff00 && r <= 0xff60,
		r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1faff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}

// renderBody renders the rows without the header line: for a list of
// fields, whose header is blank.
func (t *table) renderBody(width int) string {
	_, body, _ := strings.Cut(t.render(width), "\n")
	return body
}

// drop removes column i.
func (t *table) drop(i int) {
	t.header = append(t.header[:i:i], t.header[i+1:]...)
	for r, row := range t.rows {
		if i < len(row) {
			t.rows[r] = append(row[:i:i], row[i+1:]...)
		}
	}
	t.keep, t.early = shift(t.keep, i), shift(t.early, i)
	t.cutters = shift(t.cutters, i)
}

// shift renumbers a column map after column i was dropped.
func shift[V any](m map[int]V, i int) map[int]V {
	out := make(map[int]V, len(m))
	for c, v := range m {
		switch {
		case c < i:
			out[c] = v
		case c > i:
			out[c-1] = v
		}
	}
	return out
}
