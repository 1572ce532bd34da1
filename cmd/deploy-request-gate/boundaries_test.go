package main

import (
	"os/exec"
	"strings"
	"testing"
)

// module is this module's path.
const module = "github.com/deploy-request-gate/deploy-request-gate"

// TestBoundaries holds the packages to the house rules on imports, as
// `go list -deps` sees them: the gate (check) stands on the standard
// library alone, and the two front ends (action, cli) are peers that main
// wires, neither importing the other.
func TestBoundaries(t *testing.T) {
	t.Parallel()
	// deps lists the packages pkg imports, directly or not, outside the
	// standard library: this module's and other modules'.
	deps := func(pkg string) (ours, others []string) {
		t.Helper()
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", "../../"+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps ../../%s: %v", pkg, err)
		}
		for line := range strings.Lines(string(out)) {
			standard, path, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch {
			case standard == "true":
			case path == module+"/"+pkg:
			case strings.HasPrefix(path, module+"/"):
				ours = append(ours, strings.TrimPrefix(path, module+"/"))
			default:
				others = append(others, path)
			}
		}
		return ours, others
	}
	if ours, others := deps("check"); len(ours)+len(others) > 0 {
		t.Errorf("check imports %q and %q; want the standard library only", ours, others)
	}
	for _, tt := range []struct{ pkg, peer string }{{"cli", "action"}, {"action", "cli"}} {
		ours, _ := deps(tt.pkg)
		for _, p := range ours {
			if p == tt.peer {
				t.Errorf("%s imports %s; the front ends are peers that main wires", tt.pkg, tt.peer)
			}
		}
	}
}
