package cli

import (
	"io"
	"os"
)

// isTerminal reports whether w is a terminal that takes cursor movement:
// an *os.File the terminal driver answers for (see isTTY), with TERM not
// "dumb".
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	return ok && getenv("TERM") != "dumb" && isTTY(f)
}
