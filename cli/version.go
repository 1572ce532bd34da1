package cli

import (
	"context"
	"flag"

	"github.com/deploy-request-gate/deploy-request-gate/buildinfo"
)

// versionSetup registers the flags of version and returns its run.
func versionSetup(fs *flag.FlagSet) func(context.Context, *session) int {
	verbose := fs.Bool("verbose", false, "also print the commit, Go version and platform")
	return func(_ context.Context, s *session) int {
		if *verbose {
			s.stdout.printf("%s", buildinfo.Verbose())
			return ExitOK
		}
		s.stdout.printf("deploy-request-gate %s\n", s.env.version())
		return ExitOK
	}
}
