package cli

import (
	"strings"
	"testing"
)

func TestTable_render(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		header        []string
		rows          [][]string
		fixed, arrows []int
		width         int
		want          string
	}{
		"fits_as_it_is": {header: []string{"NAME", "AGE"}, rows: [][]string{{"shop", "3d"}, {"blog", "just now"}},
			width: 80, want: "NAME  AGE\nshop  3d\nblog  just now\n"},
		"widest_column_cut_first": {header: []string{"#", "BRANCH", "NOTES"}, fixed: []int{0},
			rows:  [][]string{{"#12", "customer-loyalty-points", "adds an index to orders"}},
			width: 36, want: "#    BRANCH          NOTES\n#12  customer-loya…  adds an index…\n"},
		"fixed_columns_kept_whole": {header: []string{"BRANCH", "DEPLOYMENT"}, fixed: []int{1},
			rows:  [][]string{{"add-orders-index-to-speed-up", "complete_pending_revert"}},
			width: 36, want: "BRANCH       DEPLOYMENT\nadd-orders…  complete_pending_revert\n"},
		"arrow_keeps_target": {header: []string{"BRANCH → INTO", "AGE"}, fixed: []int{1}, arrows: []int{0},
			rows:  [][]string{{"drop-legacy-coupons → staging", "10d"}},
			width: 28, want: "BRANCH → INTO            AGE\ndrop-legacy-… → staging  10d\n"},
		"wide_runes_count_twice": {header: []string{"NAME", "X"}, rows: [][]string{{"数据库数据库数据库", "1"}, {"abc", "2"}},
			width: 12, want: "NAME       X\n数据库数…  1\nabc        2\n"},
		"control_characters_stripped": {header: []string{"NAME", "X"}, rows: [][]string{{"evil\x1b[2J\nname", "1"}},
			width: 80, want: "NAME           X\nevil [2J name  1\n"},
		"cannot_fit_stays_aligned": {header: []string{"NUMBER", "AGE"}, fixed: []int{0, 1}, rows: [][]string{{"12345678901", "3d"}},
			width: 8, want: "NUMBER       AGE\n12345678901  3d\n"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := newTable(tt.header...).fixed(tt.fixed...).arrows(tt.arrows...)
			for _, r := range tt.rows {
				tb.add(r...)
			}
			if got := tb.render(tt.width); got != tt.want {
				t.Errorf("render(%d):\n%s\nwant:\n%s", tt.width, got, tt.want)
			}
		})
	}
}

func TestTable_fitsWidth(t *testing.T) {
	t.Parallel()
	tb := newTable("STATUS", "#", "BRANCH → INTO", "APPROVED", "DEPLOYMENT", "AGE").fixed(0, 1, 3, 5).arrows(2)
	tb.add("✗ needs approval", "#114", "add-orders-index-with-a-long-name → main", "no", "complete_pending_revert", "7d")
	tb.add("✓ approved", "#9", "x → staging", "yes", "ready", "just now")
	for _, width := range []int{70, 80, 120} {
		lines := strings.Split(strings.TrimSuffix(tb.render(width), "\n"), "\n")
		starts := -1
		for _, l := range lines {
			if w := textWidth(l); w > width {
				t.Errorf("width %d: line is %d wide: %q", width, w, l)
			}
			// Columns align: "#" starts at the same column on every line.
			i := strings.Index(l, "#")
			col := textWidth(l[:i])
			if starts >= 0 && col != starts {
				t.Errorf("width %d: column # starts at %d, want %d: %q", width, col, starts, l)
			}
			starts = col
		}
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	got := wrap("one two three four five\n  pscale keep this line whole however long it is", 14, "  ")
	want := "one two three\n  four five\n  pscale keep this line whole however long it is"
	if got != want {
		t.Errorf("wrap:\n%s\nwant:\n%s", got, want)
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"shop", "blog", "analytics", "shop-staging"}
	for _, tt := range []struct {
		name string
		want string
	}{
		{"shpo", "shop"},
		{"Shop", "shop"},
		{"analytic", "analytics"},
		{"shop-stag", "shop-staging"},
		{"billing", ""},
	} {
		if got := strings.Join(closest(tt.name, names, 1), ","); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
