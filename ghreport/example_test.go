package ghreport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

// exampleSandbox serves acme/shop with pull request #42 (head feature/Add_Index)
// and #43 (head docs), as GITHUB_API_URL would on GitHub Enterprise Server.
func exampleSandbox() (*ghsandbox.Server, string, func()) {
	s := ghsandbox.New(ghsandbox.WithPrefix("/api/v3"), ghsandbox.WithToken(ghsandbox.Token{Value: token}))
	s.AddPull("acme/shop", ghsandbox.PullRequest{Number: 42, HeadRef: "feature/Add_Index", HeadSHA: headSHA})
	s.AddPull("acme/shop", ghsandbox.PullRequest{Number: 43, HeadRef: "docs", HeadSHA: queueSHA})
	srv := httptest.NewServer(s)
	return s, srv.URL + "/api/v3", srv.Close
}

// report posts one verdict the way the action's gate mode does: the
// status when status-context is set, then the sticky comment; a refused
// write becomes a warning and the step still follows the verdict.
func report(ctx context.Context, c *ghreport.Client, t ghreport.Target, passed bool, body string) {
	st := ghreport.Status{State: ghreport.StateFailure, Context: "planetscale/app",
		Description: "1 deploy request needs approval: #105", TargetURL: t.RunURL}
	if passed {
		st.State, st.Description = ghreport.StateSuccess, "All deploy requests approved"
	}
	if err := c.SetStatus(ctx, t.Owner, t.Repo, t.SHA, st); errors.Is(err, ghreport.ErrPermission) {
		fmt.Println("::warning::", err)
	}
	res, err := c.UpsertComment(ctx, t.Owner, t.Repo, t.PullNumber, ghreport.Comment{
		Marker: ghreport.Marker("acme", "app"), Body: body, Policy: ghreport.CommentOnFailure, Passed: passed,
		Tail: func(dropped []string) string { return fmt.Sprintf("… and %d more: %s\n", len(dropped), t.RunURL) },
	})
	if err != nil {
		fmt.Println("::warning::", err)
	}
	fmt.Printf("status %s on %s, comment %s\n", st.State, ghreport.ShortSHA(t.SHA), res.Action)
}

// Example_gate is gate mode on a pull_request event, then wait mode
// seeing the request approved.
func Example_gate() {
	s, apiURL, stop := exampleSandbox()
	defer stop()
	dir, _ := os.MkdirTemp("", "event")
	defer os.RemoveAll(dir)
	eventPath := filepath.Join(dir, "event.json")
	_ = os.WriteFile(eventPath, []byte(pullRequestPayload), 0o600)
	env := map[string]string{
		"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": eventPath, "GITHUB_SHA": mergeSHA,
		"GITHUB_REPOSITORY": "acme/shop", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "7",
		"GITHUB_API_URL": apiURL,
	}
	ctx := context.Background()

	target, err := ghreport.ParseEvent(func(k string) string { return env[k] })
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := ghreport.Config{APIURL: env["GITHUB_API_URL"], Token: token, Secrets: []string{psToken}}
	if !cfg.Enabled() {
		return // github-token is empty: no GitHub calls at all
	}
	c, err := ghreport.NewClient(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("PR #%d, commit %s\n", target.PullNumber, ghreport.ShortSHA(target.SHA))
	report(ctx, c, target, false, "❌ #105 needs approval")
	// Wait mode: each round re-lists the deploy requests; once they pass
	// (or wait-timeout ends), the status and the comment are updated.
	report(ctx, c, target, true, "✅ Passes now (12:04 UTC); it failed before.")
	fmt.Println(len(s.Comments("acme/shop", 42)), "comment;", c.Requests(), "GitHub requests")
	// Output:
	// PR #42, commit 2222222
	// status failure on 2222222, comment created
	// status success on 2222222, comment updated
	// 1 comment; 6 GitHub requests
}

// Example_sync is sync mode: one pull request listing (with each head
// commit's status), one deploy request listing per database, then a status
// per matching pull request, and a stale red status turned green.
func Example_sync() {
	s, apiURL, stop := exampleSandbox()
	defer stop()
	s.AddStatus("acme/shop", queueSHA, ghsandbox.Status{State: "failure", Context: "planetscale/app"}) // its request was deployed
	ctx := context.Background()
	c, err := ghreport.NewClient(ghreport.Config{APIURL: apiURL, Token: token})
	if err != nil {
		fmt.Println(err)
		return
	}
	pulls, err := c.OpenPulls(ctx, "acme", "shop", "planetscale/app")
	if err != nil {
		fmt.Println(err)
		return
	}
	openRequests := map[string]bool{"feature-add-index": true} // branch → approved, from one listing of the database
	branches := []string{"feature-add-index"}
	for _, pr := range pulls {
		branch, ok := ghreport.MatchBranch(pr.HeadRef, "", branches)
		st := ghreport.Status{Context: "planetscale/app", State: ghreport.StateSuccess}
		switch {
		case ok && openRequests[branch]:
			st.Description = "deploy request for " + branch + " approved"
		case ok:
			st.State, st.Description = ghreport.StateFailure, "deploy request for "+branch+" needs approval"
		default:
			old, found := pr.Status, pr.HasStatus
			if !pr.StatusRead { // the head moved while the list was read
				old, found, err = c.LatestStatus(ctx, "acme", "shop", pr.HeadSHA, st.Context)
			}
			if err != nil || !found || old.State == ghreport.StateSuccess {
				fmt.Printf("#%d %s: left alone\n", pr.Number, pr.HeadRef)
				continue
			}
			st.Description = "no open deploy request for branch " + pr.HeadRef
		}
		if err := c.SetStatus(ctx, "acme", "shop", pr.HeadSHA, st); err != nil {
			fmt.Println("::warning::", err)
			continue
		}
		fmt.Printf("#%d %s: %s (%s)\n", pr.Number, pr.HeadRef, st.State, st.Description)
	}
	fmt.Println(c.Requests(), "GitHub requests")
	// Output:
	// #42 feature/Add_Index: success (deploy request for feature-add-index approved)
	// #43 docs: success (no open deploy request for branch docs)
	// 3 GitHub requests
}
