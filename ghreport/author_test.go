package ghreport_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

// The three kinds of token the gate runs with, as the sandbox models them.
const (
	patToken = "ghp_PersonalToken0123456789abcdef" // comments as the user "release-captain"
	appToken = "ghs_AppInstallToken0123456789abcd" // comments as "drg-app[bot]"
)

// TestClient_UpsertComment_onlyItsOwn puts a comment with the gate's
// marker by someone else before, after and around the gate's own, for
// GITHUB_TOKEN, a GitHub App's installation token and a personal access
// token: the gate edits only the comment its token wrote, and names the
// others in Ignored. Other bots (dependabot[bot], another App, and
// github-actions[bot] when the gate runs with an App's token) are others
// too. Who the token is comes from GraphQL's viewer { login }, asked only
// by a run that finds a comment with the marker, once; never GET /user.
func TestClient_UpsertComment_onlyItsOwn(t *testing.T) {
	t.Parallel()
	marker := ghreport.Marker("acme", "app")
	type setup struct {
		user, body string
	}
	for _, tc := range []struct {
		name  string
		token string
		login string // who the token comments as
		// before are comments in place before the first run; between are
		// added after the first run.
		before, between []setup
		// adopt is set when the first run finds the token's own comment
		// among before (its first) and edits it instead of creating one.
		adopt       bool
		wantIgnored []string // logins named in Ignored by the last run
		// wantViewer is the viewer queries of the two runs together.
		wantViewer int
	}{
		{name: "github_token_stranger_before", token: token, login: "github-actions[bot]",
			before: []setup{{"mallory", marker + "\n✅ all approved"}}, wantIgnored: []string{"mallory"}, wantViewer: 2},
		{name: "github_token_stranger_after", token: token, login: "github-actions[bot]",
			between: []setup{{"mallory", marker + "\n✅ all approved"}}, wantIgnored: []string{"mallory"}, wantViewer: 1},
		{name: "github_token_quoted_and_other_database", token: token, login: "github-actions[bot]",
			before: []setup{{"mallory", "> " + marker + "\n> ✅"}, {"mallory", ghreport.Marker("acme", "other") + "\n✅"},
				{"github-actions[bot]", ghreport.Marker("acme", "app-2") + "\nother database"}}, wantViewer: 1},
		{name: "github_token_other_bots_before", token: token, login: "github-actions[bot]",
			before:      []setup{{"dependabot[bot]", marker + "\n✅ all approved"}, {"some-app[bot]", marker + "\n✅"}},
			wantIgnored: []string{"dependabot[bot]", "some-app[bot]"}, wantViewer: 2},
		{name: "github_token_adopts_its_own", token: token, login: "github-actions[bot]",
			before: []setup{{"github-actions[bot]", marker + "\n❌ from an earlier run"}, {"dependabot[bot]", marker + "\n✅"}},
			adopt:  true, wantIgnored: []string{"dependabot[bot]"}, wantViewer: 2},
		{name: "app_token_stranger_before_and_after", token: appToken, login: "drg-app[bot]",
			before:  []setup{{"mallory", marker + "\n✅"}},
			between: []setup{{"eve", "  \n" + marker + "\n✅"}}, wantIgnored: []string{"mallory", "eve"}, wantViewer: 2},
		{name: "app_token_github_actions_and_dependabot_before", token: appToken, login: "drg-app[bot]",
			before:      []setup{{"github-actions[bot]", marker + "\n✅ from another workflow"}, {"dependabot[bot]", marker + "\n✅"}},
			wantIgnored: []string{"github-actions[bot]", "dependabot[bot]"}, wantViewer: 2},
		{name: "app_token_adopts_its_own", token: appToken, login: "drg-app[bot]",
			before: []setup{{"DRG-App[bot]", marker + "\n❌ from an earlier run"}, {"github-actions[bot]", marker + "\n✅"}},
			adopt:  true, wantIgnored: []string{"github-actions[bot]"}, wantViewer: 2},
		{name: "personal_token_ignores_bots_and_strangers", token: patToken, login: "release-captain",
			before:  []setup{{"github-actions[bot]", marker + "\n✅ left by an earlier GITHUB_TOKEN run"}, {"mallory", marker + "\n✅"}},
			between: []setup{{"mallory", marker + "\n✅"}}, wantIgnored: []string{"github-actions[bot]", "mallory", "mallory"}, wantViewer: 2},
		{name: "personal_token_adopts_its_own", token: patToken, login: "release-captain",
			before: []setup{{"release-captain", marker + "\n❌ from an earlier run"}, {"dependabot[bot]", marker + "\n✅"}},
			adopt:  true, wantIgnored: []string{"dependabot[bot]"}, wantViewer: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "", ghsandbox.WithToken(ghsandbox.Token{Value: patToken, Login: "release-captain"}),
				ghsandbox.WithToken(ghsandbox.Token{Value: appToken, Login: "drg-app[bot]"}))
			s.AddPull(full, ghsandbox.PullRequest{Number: 5, HeadRef: "f", HeadSHA: sha(5)})
			strangers := map[int64]string{}
			var own int64
			add := func(list []setup) {
				for _, c := range list {
					id := s.AddComment(full, 5, c.user, c.body)
					if tc.adopt && own == 0 {
						own = id
						continue
					}
					strangers[id] = c.body
				}
			}
			add(tc.before)
			firstWant := ghreport.CommentCreate
			if tc.adopt {
				firstWant = ghreport.CommentUpdate
			}
			// Each run is a new process: a new client.
			first := upsertRuns(t, newClient(t, base, withToken(tc.token)), 5, marker,
				[]run{{ghreport.CommentOnFailure, false, "❌ blocked", firstWant}})[0]
			if tc.adopt && first.ID != own {
				t.Errorf("first run wrote comment %d, want the token's own %d", first.ID, own)
			}
			add(tc.between)
			last := upsertRuns(t, newClient(t, base, withToken(tc.token)), 5, marker,
				[]run{{ghreport.CommentOnFailure, false, "❌ still blocked", ghreport.CommentUpdate}})[0]
			if last.ID != first.ID {
				t.Errorf("second run edited comment %d, want the gate's own %d", last.ID, first.ID)
			}
			for _, c := range s.Comments(full, 5) {
				switch body, stranger := strangers[c.ID]; {
				case stranger && c.Body != body:
					t.Errorf("comment %d by %s was changed to %q", c.ID, c.User, c.Body)
				case !stranger && (c.ID != first.ID || !strings.EqualFold(c.User, tc.login) || c.Body != marker+"\n❌ still blocked"):
					t.Errorf("comment %+v, want only the gate's own by %s", c, tc.login)
				}
			}
			var got []string
			for _, a := range last.Ignored {
				got = append(got, a.Login)
			}
			if strings.Join(got, ",") != strings.Join(tc.wantIgnored, ",") {
				t.Errorf("Ignored = %v, want %v", got, tc.wantIgnored)
			}
			if n := countRequests(s, ghsandbox.GraphQL); n != tc.wantViewer {
				t.Errorf("GraphQL (viewer) requests = %d, want %d (one per run that finds the marker)", n, tc.wantViewer)
			}
			if n := countPath(s, http.MethodGet, "/user"); n != 0 {
				t.Errorf("GET /user requests = %d, want none", n)
			}
		})
	}
}

// TestClient_UpsertComment_viewerFails: when GitHub does not say who the
// token is (viewer { login } fails after its retries, or for good) while a
// comment with the marker is there, the gate writes nothing: not the
// other's comment, not a second comment beside a comment that may be its
// own. The error matches ErrUnknownCommenter and names no permission (the
// viewer needs none); the client asks no more in that run. With no marker
// comment there it needs no viewer and creates its own.
func TestClient_UpsertComment_viewerFails(t *testing.T) {
	t.Parallel()
	marker := ghreport.Marker("acme", "app")
	for _, tc := range []struct {
		name  string
		fault ghsandbox.Fault
		tries int // viewer requests of the first UpsertComment
	}{
		{"server_errors", ghsandbox.BadGateway.Times(10), 4},
		{"forbidden", ghsandbox.Forbidden.Times(10), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			for _, n := range []int{5, 6} {
				s.AddPull(full, ghsandbox.PullRequest{Number: n, HeadRef: "f", HeadSHA: sha(n)})
			}
			mine := s.AddComment(full, 5, "github-actions[bot]", marker+"\n❌ from an earlier run")
			theirs := s.AddComment(full, 5, "dependabot[bot]", marker+"\n✅")
			s.Inject(tc.fault.On(ghsandbox.GraphQL))
			c := newClient(t, base)
			for run := 1; run <= 2; run++ {
				_, err := c.UpsertComment(testContext(t), owner, repo, 5, ghreport.Comment{Marker: marker, Body: "❌ blocked",
					Policy: ghreport.CommentAlways, Passed: false})
				if !errors.Is(err, ghreport.ErrUnknownCommenter) || errors.Is(err, ghreport.ErrPermission) {
					t.Fatalf("run %d: err = %v, want ErrUnknownCommenter and no permission to add", run, err)
				}
				checkClean(t, err)
				if !strings.Contains(err.Error(), "viewer") || !strings.Contains(err.Error(), "2 with the marker left alone, none posted") {
					t.Errorf("err = %v, want it to say what was asked and that nothing was written", err)
				}
			}
			if n := countRequests(s, ghsandbox.GraphQL); n != tc.tries {
				t.Errorf("viewer requests = %d, want %d (the failure kept for the client's life)", n, tc.tries)
			}
			got := s.Comments(full, 5)
			if len(got) != 2 || got[0].ID != mine || got[0].Body != marker+"\n❌ from an earlier run" || got[1].ID != theirs || got[1].Body != marker+"\n✅" {
				t.Errorf("comments = %+v, want both untouched and none added", got)
			}
			// No marker on #6: no identity needed, the gate posts its own.
			res, err := c.UpsertComment(testContext(t), owner, repo, 6, ghreport.Comment{Marker: marker, Body: "❌ blocked",
				Policy: ghreport.CommentAlways, Passed: false})
			if err != nil || res.Action != ghreport.CommentCreate {
				t.Fatalf("#6: %+v, %v; want a create", res, err)
			}
			// That create taught the client its account: #5 is now decided.
			res, err = c.UpsertComment(testContext(t), owner, repo, 5, ghreport.Comment{Marker: marker, Body: "❌ blocked",
				Policy: ghreport.CommentAlways, Passed: false})
			if err != nil || res.Action != ghreport.CommentUpdate || res.ID != mine {
				t.Errorf("#5 after a create: %+v, %v; want comment %d updated", res, err, mine)
			}
		})
	}
}

// TestClient_UpsertComment_lostCreateBesideStranger loses the answer to
// the create while a stranger's comment carries the marker: the retry
// finds the gate's own stored comment, never the stranger's, and posts
// nothing twice.
func TestClient_UpsertComment_lostCreateBesideStranger(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{token, appToken, patToken} {
		s, base := newSandbox(t, "", ghsandbox.WithToken(ghsandbox.Token{Value: patToken, Login: "release-captain"}),
			ghsandbox.WithToken(ghsandbox.Token{Value: appToken, Login: "drg-app[bot]"}))
		s.AddPull(full, ghsandbox.PullRequest{Number: 6, HeadRef: "f", HeadSHA: sha(6)})
		marker := ghreport.Marker("acme", "app")
		s.AddComment(full, 6, "mallory", marker+"\n✅")
		s.Inject(ghsandbox.BadGateway.Applied().On(ghsandbox.CreateComment))
		upsertRuns(t, newClient(t, base, withToken(tok)), 6, marker, []run{{ghreport.CommentOnFailure, false, "blocked", ghreport.CommentCreate}})
		got := s.Comments(full, 6)
		if len(got) != 2 || got[0].Body != marker+"\n✅" || got[1].Body != marker+"\nblocked" {
			t.Errorf("%s: comments = %+v, want the stranger's untouched and one of the gate's", tok[:4], got)
		}
	}
}
