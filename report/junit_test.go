package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// hostileBranches are branch names an attacker could push: XML-breaking
// text, characters XML 1.0 forbids, control and bidirectional characters,
// invalid UTF-8 and a secret.
var hostileBranches = []string{
	"x]]><injected/><![CDATA[",
	`a<b>&c"d'e`,
	"nul\x00bell\x07esc\x1b[31mred",
	"bidi\u202egnp.exe\u2066",
	"bad-utf8-\xff\xfe",
	"nonchar-\uFFFE\uFFFF",
	"line\nbreak\r\ttab",
	"leaks-pscale_tkn_junitSecret",
	"",
}

func TestJUnit_hostileBranchNames(t *testing.T) {
	t.Parallel()
	var drs []check.DeployRequest
	for i, b := range hostileBranches {
		dr := testkit.DR(100+i, "ready", i%2 == 0)
		dr.Branch = b
		drs = append(drs, dr)
	}
	v := check.Evaluate(drs, check.Filter{}, check.FailOnUnapproved)
	r := Report{Organization: "acme", Database: "shop", Now: testkit.Now, Redactor: sanitize.NewRedactor("pscale_tkn_junitSecret"),
		Filter: check.Filter{Branch: "evil]]>\x1b"}}
	doc, err := JUnit(v, r, JUnitRun{Hostname: "ci\x1bhost", Elapsed: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(doc), "junitSecret") {
		t.Errorf("the report shows the secret:\n%s", doc)
	}
	suites := testkit.CheckJUnit(t, doc)
	if len(suites) != 1 {
		t.Fatalf("got %d suites, want 1", len(suites))
	}
	s := suites[0]
	if s.Tests != len(hostileBranches) || s.Failures != len(v.Blocking()) || s.Errors != 0 {
		t.Errorf("tests=%d failures=%d errors=%d, want %d, %d, 0", s.Tests, s.Failures, s.Errors, len(hostileBranches), len(v.Blocking()))
	}
	names := ""
	for _, c := range s.Cases {
		names += c.Name + "\n"
	}
	for _, want := range []string{"#100 x]]><injected/><![CDATA[ → main", "#101 a<b>&c\"d'e → main", "#103 bidi gnp.exe  → main", "#106 line break  tab → main"} {
		if !strings.Contains(names, want+"\n") {
			t.Errorf("no case named %q in:\n%s", want, names)
		}
	}
}

func TestJUnit_cases(t *testing.T) {
	t.Parallel()
	drs := []check.DeployRequest{testkit.DR(7, "ready", true), testkit.DR(105, "ready", false), testkit.DR(9, "complete", false)}
	tests := []struct {
		name         string
		policy       check.Policy
		wantFailures map[string]string // case name → failure type
	}{
		{"unapproved", check.FailOnUnapproved, map[string]string{"#105 feature-105 → main": "needs-approval"}},
		{"undeployed", check.FailOnUndeployed, map[string]string{"#105 feature-105 → main": "needs-approval", "#7 feature-7 → main": "not-deployed"}},
		{"never", check.FailNever, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := check.Evaluate(drs, check.Filter{}, tt.policy)
			doc, err := JUnit(v, Report{Organization: "acme", Database: "shop", Now: testkit.Now}, JUnitRun{})
			if err != nil {
				t.Fatal(err)
			}
			s := testkit.CheckJUnit(t, doc)[0]
			if s.Tests != 3 {
				t.Errorf("tests = %d, want one per matched request, 3", s.Tests)
			}
			got := map[string]string{}
			for _, c := range s.Cases {
				if c.Failure != nil {
					got[c.Name] = c.Failure.Type
					if !strings.Contains(c.Failure.Text, "https://app.planetscale.com/") {
						t.Errorf("failure of %s does not link the request: %q", c.Name, c.Failure.Text)
					}
				}
			}
			if len(got) != len(tt.wantFailures) {
				t.Errorf("failures %v, want %v", got, tt.wantFailures)
			}
			for name, typ := range tt.wantFailures {
				if got[name] != typ {
					t.Errorf("case %q failure type %q, want %q (all: %v)", name, got[name], typ, got)
				}
			}
		})
	}
}

func TestJUnitFailure_oneErrorCase(t *testing.T) {
	t.Parallel()
	err := errors.New("list deploy requests: PlanetScale API answered 404 for token pscale_tkn_junitSecret <&]]>")
	doc, jerr := JUnitFailure(Failure{Lead: "The token lacks read_deploy_request on shop.\nGrant it.", Error: err.Error()},
		Report{Organization: "acme", Database: "shop", Now: testkit.Now, Redactor: sanitize.NewRedactor("pscale_tkn_junitSecret")}, JUnitRun{})
	if jerr != nil {
		t.Fatal(jerr)
	}
	if strings.Contains(string(doc), "junitSecret") {
		t.Errorf("the report shows the secret:\n%s", doc)
	}
	s := testkit.CheckJUnit(t, doc)[0]
	if s.Tests != 1 || s.Errors != 1 || s.Failures != 0 || s.Cases[0].Error == nil {
		t.Fatalf("want one case in error, got %+v", s)
	}
	if e := s.Cases[0].Error; e.Type != "could-not-decide" || !strings.Contains(e.Text, "404") || !strings.Contains(e.Text, "fails closed") {
		t.Errorf("error %+v", e)
	}
}
