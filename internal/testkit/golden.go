package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// Golden compares got with the golden file at path, or, with update set
// (the calling package's -update flag), writes got there instead.
func Golden(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
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
