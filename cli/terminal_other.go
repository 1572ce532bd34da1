//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cli

import "os"

// isTTY is false where the terminal cannot be asked: no progress line.
func isTTY(*os.File) bool { return false }
