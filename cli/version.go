package cli

import (
	"context"
	"flag"

	"github.com/deploy-request-gate/deploy-request-gate/buildinfo"
)

func versionCommand() *command {
	return &command{
		name: "version", scope: local,
		summary:  "print the version",
		about:    "Prints the version; --verbose adds the commit, whether the tree was modified, the Go version and the platform.",
		examples: []string{"deploy-request-gate version --verbose"},
		setup: func(fs *flag.FlagSet) func(context.Context, *session) int {
			verbose := fs.Bool("verbose", false, "also print the commit, Go version and platform")
			return func(_ context.Context, s *session) int {
				if *verbose {
					s.stdout.printf("%s", buildinfo.Verbose())
					return ExitOK
				}
				s.stdout.printf("deploy-request-gate %s\n", s.env.version())
				return ExitOK
			}
		},
	}
}
