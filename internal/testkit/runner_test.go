package testkit

import "testing"

// TestWorkflowCommand: the forms the runner reads, hidden or not by each
// of Ignorable's code points, and lines it does not read.
func TestWorkflowCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line, want string
	}{
		{"::error::x", "error"},
		{" \t::warning file=a::x", "warning"},
		{"text ##[add-mask]x", "add-mask"},
		{"::stop-commands::tok", "stop-commands"},
		{"x ::error::y", ""},
		{": :error::y", ""},
		{"## [error]y", ""},
		{"::error", ""},
		{"##[error", ""},
	} {
		if got, ok := WorkflowCommand(tc.line); got != tc.want || ok != (tc.want != "") {
			t.Errorf("WorkflowCommand(%q) = %q, %t; want %q", tc.line, got, ok, tc.want)
		}
	}
	for _, r := range Ignorable {
		for _, line := range []string{string(r) + "::error::x", ":" + string(r) + ":error::x", "#" + string(r) + "#[error]x", "##" + string(r) + "[error]x"} {
			if got, ok := WorkflowCommand(line); !ok || got != "error" {
				t.Errorf("WorkflowCommand(%q) = %q, %t; want error (%U is ignorable)", line, got, ok, r)
			}
		}
	}
}
