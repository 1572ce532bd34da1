package action

import (
	"net/url"
	"strings"
)

// syncTargetURL is the link of the statuses sync sets when no single
// deploy request blocks: the page of the sync workflow's runs
// (GITHUB_SERVER_URL/OWNER/REPO/actions/workflows/FILE, from
// GITHUB_WORKFLOW_REF), else the repository's Actions page. Unlike the
// run's own page it is the same on every run, so an unchanged status is
// recognized as unchanged and not written again.
func (g *gate) syncTargetURL() string {
	run := g.runURL()
	base, _, ok := strings.Cut(run, "/actions/runs/")
	if run == "" || !ok {
		return ""
	}
	ref, _, _ := strings.Cut(g.a.Getenv("GITHUB_WORKFLOW_REF"), "@")
	repoPart := strings.TrimPrefix(base, strings.TrimSuffix(g.a.Getenv("GITHUB_SERVER_URL"), "/")+"/")
	if file, ok := strings.CutPrefix(ref, repoPart+"/.github/workflows/"); ok && file != "" && !strings.ContainsAny(file, "/?#") {
		return base + "/actions/workflows/" + url.PathEscape(file)
	}
	return base + "/actions"
}
