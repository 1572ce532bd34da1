package report

import "testing"

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
