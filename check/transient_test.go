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
		// as its cause: see TestTransient_unreadableOperations
		"operations-unreadable": false,
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

// TestTransient_unreadableOperations: operations that could not be read
// under deploy-order are as transient as what kept them from being read.
func TestTransient_unreadableOperations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"server_errors", &gaveUp{err: &answer{code: 503, status: "503 Service Unavailable"}}, true},
		{"no_answer", ErrNoAnswer, true},
		{"missing_grant", &answer{code: 404, status: "404 Not Found"}, false},
		{"unauthorized", &answer{code: 401, status: "401 Unauthorized"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Explain(&OperationsError{Numbers: []int{7}, Err: tt.err}, Config{Organization: "acme", Database: "shop", FailOn: FailOnDeployOrder})
			if p.Code != "operations-unreadable" {
				t.Fatalf("Explain code = %q, want operations-unreadable", p.Code)
			}
			if got := Transient(p); got != tt.want {
				t.Errorf("Transient() = %v, want %v", got, tt.want)
			}
		})
	}
}
