package report

import (
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
)

// TestSameContent: renderings that differ only in their footer's time are
// the same; any other difference is not.
func TestSameContent(t *testing.T) {
	t.Parallel()
	r := Report{Organization: "acme", Database: "shop", Now: testkit.Now}
	later := r
	later.Now = r.Now.Add(90 * time.Minute)
	v := check.Evaluate([]check.DeployRequest{testkit.DR(105, "ready", false)}, check.Filter{}, check.FailOnUnapproved)
	passed := check.Evaluate(nil, check.Filter{}, check.FailOnUnapproved)
	sync := []SyncSection{{Repository: "acme/app"}}
	for _, tt := range []struct {
		name string
		a, b string
		same bool
	}{
		{"checked, later", Markdown(passed, r), Markdown(passed, later), true}, // no ages to change
		{"synced, later", SyncReposMarkdown(sync, "gate", r), SyncReposMarkdown(sync, "gate", later), true},
		{"failure, later", FailureMarkdown(Failure{Lead: "no answer"}, r), FailureMarkdown(Failure{Lead: "no answer"}, later), true},
		{"another verdict", Markdown(v, r), Markdown(passed, r), false},
	} {
		if tt.a == tt.b && tt.same {
			t.Errorf("%s: the renderings are equal, so the test proves nothing", tt.name)
		}
		if got := SameContent(tt.a, tt.b); got != tt.same {
			t.Errorf("%s: SameContent = %v, want %v", tt.name, got, tt.same)
		}
	}
}

// TestWithNote: the note goes just before the footer, or at the end of a
// text without one.
func TestWithNote(t *testing.T) {
	t.Parallel()
	md := FailureMarkdown(Failure{Lead: "no answer"}, Report{Now: testkit.Now})
	got := WithNote(md, "**note**")
	want := "until it can show that no deploy request blocks.\n\n**note**\n\n<sub>deploy-request-gate · checked 2026-"
	if !strings.Contains(got, want) || !strings.HasSuffix(got, "</sub>\n") {
		t.Errorf("WithNote = %q, want the note before the footer", got)
	}
	if got := WithNote("text\n", "**note**"); got != "text\n\n**note**\n" {
		t.Errorf("WithNote without a footer = %q", got)
	}
}

// TestDatabasesMarkdown_oneFooter: the sections lose their own footers;
// the whole has one, last.
func TestDatabasesMarkdown_oneFooter(t *testing.T) {
	t.Parallel()
	r := Report{Organization: "acme", Now: testkit.Now}
	shop, blog := r, r
	shop.Database, blog.Database = "shop", "blog"
	v := check.Evaluate([]check.DeployRequest{testkit.DR(105, "ready", false)}, check.Filter{}, check.FailOnUnapproved)
	md := DatabasesMarkdown([]DatabaseSection{{Report: shop, Verdict: v}, {Report: blog, Failure: &Failure{Lead: "no answer"}}}, r)
	if n := strings.Count(md, "<sub>"); n != 1 || !strings.HasSuffix(md, checkedFooter(testkit.Now)) {
		t.Errorf("%d footers, want one at the end:\n%s", n, md)
	}
	for _, section := range []string{"\n### shop · ", "\n### blog · ⚠️ Could not check"} {
		if !strings.Contains(md, section) {
			t.Errorf("no section %q:\n%s", section, md)
		}
	}
}
