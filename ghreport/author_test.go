package ghreport_test

import (
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
// others in Ignored.
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
		wantIgnored     []string // logins named in Ignored by the last run
		wantGetUser     int
	}{
		{name: "github_token_stranger_before", token: token, login: "github-actions[bot]",
			before: []setup{{"mallory", marker + "\n✅ all approved"}}, wantIgnored: []string{"mallory"}},
		{name: "github_token_stranger_after", token: token, login: "github-actions[bot]",
			between: []setup{{"mallory", marker + "\n✅ all approved"}}, wantIgnored: []string{"mallory"}},
		{name: "github_token_quoted_and_other_database", token: token, login: "github-actions[bot]",
			before: []setup{{"mallory", "> " + marker + "\n> ✅"}, {"mallory", ghreport.Marker("acme", "other") + "\n✅"},
				{"github-actions[bot]", ghreport.Marker("acme", "app-2") + "\nother database"}}},
		{name: "app_token_stranger_before_and_after", token: appToken, login: "drg-app[bot]",
			before:  []setup{{"mallory", marker + "\n✅"}},
			between: []setup{{"eve", "  \n" + marker + "\n✅"}}, wantIgnored: []string{"mallory", "eve"}},
		{name: "personal_token_ignores_bots_and_strangers", token: patToken, login: "release-captain",
			before:  []setup{{"github-actions[bot]", marker + "\n✅ left by an earlier GITHUB_TOKEN run"}, {"mallory", marker + "\n✅"}},
			between: []setup{{"mallory", marker + "\n✅"}}, wantIgnored: []string{"github-actions[bot]", "mallory", "mallory"}, wantGetUser: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "", ghsandbox.WithToken(ghsandbox.Token{Value: patToken, Login: "release-captain"}),
				ghsandbox.WithToken(ghsandbox.Token{Value: appToken, Login: "drg-app[bot]"}))
			s.AddPull(full, ghsandbox.PullRequest{Number: 5, HeadRef: "f", HeadSHA: sha(5)})
			strangers := map[int64]string{}
			add := func(list []setup) {
				for _, c := range list {
					strangers[s.AddComment(full, 5, c.user, c.body)] = c.body
				}
			}
			add(tc.before)
			// Each run is a new process: a new client.
			first := upsertRuns(t, newClient(t, base, withToken(tc.token)), 5, marker,
				[]run{{ghreport.CommentOnFailure, false, "❌ blocked", ghreport.CommentCreate}})[0]
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
				case !stranger && (c.ID != first.ID || c.User != tc.login || c.Body != marker+"\n❌ still blocked"):
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
			if n := countRequests(s, ghsandbox.GetUser); tc.wantGetUser > 0 && n != tc.wantGetUser*2 {
				t.Errorf("GET /user requests = %d, want %d (one per run)", n, tc.wantGetUser*2)
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
