package check

import (
	"slices"
	"testing"
)

// TestTransient decides every problem code the gate can print: a new code
// fails here until it is put on one side or the other.
func TestTransient(t *testing.T) {
	t.Parallel()
	transient := map[string]bool{
		"list-changed": true, "rate-limited": true, "server-error": true, "no-answer": true, "unreachable": true, "cut-off": true,
		"bad-input": false, "unauthorized": false, "forbidden": false, "not-found": false, "rejected": false,
		"untrusted-certificate": false, "paging": false, "malformed-item": false, "unexpected-answer": false, "could-not-list": false,
		"cancelled": false, // the job itself ended: no next check
	}
	codes := problemCodes(t)
	for _, code := range codes {
		want, ok := transient[code]
		if !ok {
			t.Errorf("problem code %q is neither transient nor permanent here: decide whether a wait should try again after it", code)
			continue
		}
		if got := Transient(Problem{Code: code}); got != want {
			t.Errorf("Transient(%q) = %v, want %v", code, got, want)
		}
	}
	for code := range transient {
		if !slices.Contains(codes, code) {
			t.Errorf("code %q is no longer printed by the gate: drop it here", code)
		}
	}
}
