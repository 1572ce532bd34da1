package ghreport_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

// TestClient_Pull reads a pull request's state: open, closed, merged; a
// state GitHub does not give, none, or open and merged at once is an
// answer that does not add up, never taken as open or closed.
func TestClient_Pull(t *testing.T) {
	t.Parallel()
	s, base := newSandbox(t, "")
	s.AddPull(full, ghsandbox.PullRequest{Number: 1, HeadRef: "f1", HeadSHA: sha(1)})
	s.AddPull(full, ghsandbox.PullRequest{Number: 2, HeadRef: "f2", HeadSHA: sha(2), Closed: true})
	s.AddPull(full, ghsandbox.PullRequest{Number: 3, HeadRef: "f3", HeadSHA: sha(3), Merged: true})
	c := newClient(t, base)
	for _, tc := range []struct {
		n            int
		open, merged bool
		state        string
	}{{1, true, false, "open"}, {2, false, false, "closed"}, {3, false, true, "closed"}} {
		p, err := c.Pull(testContext(t), owner, repo, tc.n)
		if err != nil || p.Open() != tc.open || p.Merged != tc.merged || p.State != tc.state || p.HeadSHA != sha(tc.n) {
			t.Errorf("Pull(#%d) = %+v, %v; want state %s, merged %v", tc.n, p, err, tc.state, tc.merged)
		}
	}
	body := func(extra string) string {
		return fmt.Sprintf(`{"number":4,%s"head":{"ref":"f4","sha":%q,"repo":{"full_name":"acme/shop"}}}`, extra, sha(4))
	}
	for _, tc := range []struct{ name, body, want string }{
		{"no_state", body(""), `state "", neither open nor closed`},
		{"draft_state", body(`"state":"draft",`), `state "draft", neither open nor closed`},
		{"open_and_merged", body(`"state":"open","merged":true,`), "open and merged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, base := newSandbox(t, "")
			s.AddPull(full, ghsandbox.PullRequest{Number: 4, HeadRef: "f4", HeadSHA: sha(4)})
			s.Inject(ghsandbox.Fault{Status: http.StatusOK, Body: tc.body}.On(ghsandbox.GetPull).Times(10))
			c := newClient(t, base)
			p, err := c.Pull(testContext(t), owner, repo, 4)
			if !errors.Is(err, ghreport.ErrUnexpectedResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Pull = %+v, %v; want ErrUnexpectedResponse saying %q", p, err, tc.want)
			}
			if n := c.Requests(); n != 1 {
				t.Errorf("%d requests, want 1 (an answer that does not add up is not asked again)", n)
			}
		})
	}
}
