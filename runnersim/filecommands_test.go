package runnersim

import (
	"slices"
	"strings"
	"testing"
)

func TestParseFileCommands(t *testing.T) {
	t.Parallel()
	in := "plain=value=with=equals\n" +
		"multi<<ghadelimiter_1\nline one\nline two\nghadelimiter_1\n" +
		"empty<<EOF\nEOF\n"
	got, err := ParseFileCommands(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []FileCommand{{"plain", "value=with=equals"}, {"multi", "line one\nline two"}, {"empty", ""}}
	if !slices.Equal(got, want) {
		t.Errorf("ParseFileCommands = %q, want %q", got, want)
	}
	for _, bad := range []string{"x<<EOF\nno end\n", "no separator\n", "=no name\n"} {
		if _, err := ParseFileCommands(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseFileCommands(%q) parsed without error", bad)
		}
	}
}

func TestMaskingWriter(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	w := NewMaskingWriter(&out)
	for _, chunk := range []string{"before s3cret\n::add-mask::s3cret\n", "after s3c", "ret\n", "last s3cret"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	want := "before s3cret\n::add-mask::***\nafter ***\nlast ***\n"
	if out.String() != want {
		t.Errorf("masked log = %q, want %q", out.String(), want)
	}
}

func TestRunner(t *testing.T) {
	t.Parallel()
	r, err := New(t.TempDir(), "pull_request", `{"number":7}`)
	if err != nil {
		t.Fatal(err)
	}
	r.SetInputs(map[string]string{"service-token": "x", "fail on": "never"})
	for k, want := range map[string]string{"INPUT_SERVICE-TOKEN": "x", "INPUT_FAIL_ON": "never", "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request"} {
		if got := r.Getenv(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if outs, err := r.Outputs(); err != nil || len(outs) != 0 {
		t.Errorf("fresh outputs = %v, %v; want none", outs, err)
	}
	if !slices.Contains(r.Environ(), "INPUT_SERVICE-TOKEN=x") {
		t.Errorf("Environ lacks the input: %q", r.Environ())
	}
}
