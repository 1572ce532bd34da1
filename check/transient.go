package check

import "errors"

// Transient reports whether the problem that kept one check from deciding
// may clear by itself, so that a wait should try again at its next check
// rather than end: the list changed while it was read, the API kept
// answering 429 or 5xx, kept cutting its answers off or could not be
// reached after the retries, or one check ran out of its timeout. Every
// other problem is permanent (a rejected or revoked token, a missing grant
// or a mistyped name, an answer the gate cannot read, an untrusted
// certificate) and ends a wait at once. Either way the gate never passes on
// it: a transient problem is only "not yet".
//
// Operations that could not be read under fail-on: deploy-order
// (operations-unreadable) are as transient as the failure that kept them
// from being read: a 5xx burst is not yet, a missing grant is final.
func Transient(p Problem) bool {
	switch p.Code {
	case "list-changed", "rate-limited", "server-error", "no-answer", "unreachable", "cut-off":
		return true
	case "operations-unreadable":
		var ops *OperationsError
		if errors.As(p.Err, &ops) && ops.Err != nil {
			return Transient(Explain(ops.Err, Config{}))
		}
	}
	return false
}
