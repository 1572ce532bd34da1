package testkit

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is -update, which the tests of every package that import testkit
// accept: Golden then writes the golden files instead of comparing.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Golden compares got with the golden file testdata/name, or, under
// -update, writes got there instead.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run the test with -update to rewrite it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
