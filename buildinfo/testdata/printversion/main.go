// Command printversion prints buildinfo.Version and buildinfo.Commit, for the
// test that links it with -ldflags -X.
package main

import (
	"fmt"

	"github.com/deploy-request-gate/deploy-request-gate/buildinfo"
)

func main() {
	fmt.Println(buildinfo.Version(), buildinfo.Commit())
}
