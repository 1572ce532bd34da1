package action

import (
	"fmt"
	"slices"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// maxRepositories bounds the repositories input.
const maxRepositories = 100

// parseRepositories reads the repositories input: "owner/name" entries
// separated by newlines or commas, each once; only sync mode uses it.
func parseRepositories(raw, mode string, problems *[]string) []string {
	var out []string
	for _, f := range check.SplitList(raw) {
		if _, _, err := ghreport.SplitRepository(f); err != nil {
			*problems = append(*problems, fmt.Sprintf(`input "repositories": %q is not owner/name: list repositories as owner/name, one a line or separated by commas`, sanitize.Line(f)))
			continue
		}
		if !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, f) }) {
			out = append(out, f)
		}
	}
	switch {
	case len(out) > 0 && mode != modeSync:
		*problems = append(*problems, `input "repositories" is for mode "sync" only: remove it, or set mode: sync`)
	case len(out) > maxRepositories:
		*problems = append(*problems, fmt.Sprintf(`input "repositories" lists %d repositories, more than %d: split them over several sync jobs`, len(out), maxRepositories))
	}
	return out
}
