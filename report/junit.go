package report

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// JUnitRun is what a JUnit report says about the run itself.
type JUnitRun struct {
	// Hostname is where the check ran; "localhost" when empty.
	Hostname string
	// Elapsed is how long the check took.
	Elapsed time.Duration
}

// The JUnit XML document, in the shape of the schema GitLab, Jenkins and
// CircleCI read (the Ant JUnit schema): testsuites holds one testsuite per
// database, each with properties, its test cases, system-out and
// system-err, in that order.
type (
	junitSuites struct {
		XMLName xml.Name     `xml:"testsuites"`
		Suites  []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Package    string          `xml:"package,attr"`
		ID         int             `xml:"id,attr"`
		Timestamp  string          `xml:"timestamp,attr"`
		Hostname   string          `xml:"hostname,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
		SystemOut  string          `xml:"system-out"`
		SystemErr  string          `xml:"system-err"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitProblem `xml:"failure"`
		Error     *junitProblem `xml:"error"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// JUnit renders the verdict as a JUnit XML report: one test case per
// matched deploy request, a blocking one a failure that says why. Outside
// text is cleared of secrets and of control and bidirectional characters,
// and encoding/xml escapes the rest, so any branch name gives valid XML.
func JUnit(v check.Verdict, r Report, run JUnitRun) ([]byte, error) {
	return marshalJUnit(junitVerdict(v, r, run))
}

// junitVerdict is the test suite of one database's verdict.
func junitVerdict(v check.Verdict, r Report, run JUnitRun) junitSuite {
	s := r.junitSuite(run)
	s.Properties = append(s.Properties, junitProperty{"fail-on", string(v.Policy)})
	s.SystemOut = r.plain(strings.ReplaceAll(strings.TrimPrefix(Headline(v, r), "## "), "`", "")) + "\n" + r.plain(plainScope(v, r)) + "\n"
	for _, e := range v.BlockingFirst() {
		dr := e.DeployRequest
		c := junitCase{Name: r.Redactor.Line(fmt.Sprintf("#%d %s → %s", dr.Number, dr.Branch, dr.IntoBranch)), ClassName: s.Package, Time: "0"}
		if e.Blocking {
			why := strings.TrimSpace(strings.TrimPrefix(Status(e), "❌"))
			c.Failure = &junitProblem{
				Message: r.Redactor.Line(fmt.Sprintf("deploy request #%d %s", dr.Number, why)),
				Type:    strings.ReplaceAll(why, " ", "-"),
				Text:    r.plain(failureText(e)),
			}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}

// JUnitFailure renders a run that could not decide as a JUnit XML report
// with one test case in error, so the CI shows it as broken, not as passed.
func JUnitFailure(f Failure, r Report, run JUnitRun) ([]byte, error) {
	return marshalJUnit(junitFailure(f, r, run))
}

// junitFailure is the test suite of a database the gate could not decide for.
func junitFailure(f Failure, r Report, run JUnitRun) junitSuite {
	s := r.junitSuite(run)
	lines := []string{f.Lead}
	lines = append(lines, f.Items...)
	if f.Error != "" {
		lines = append(lines, "Error: "+f.Error)
	}
	if f.Help != "" {
		lines = append(lines, "Troubleshooting: "+f.Help)
	}
	lines = append(lines, "The gate fails closed: it stays red until it can show that no deploy request blocks.")
	s.Cases = []junitCase{{
		Name: "could not decide", ClassName: s.Package, Time: "0",
		Error: &junitProblem{Message: r.Redactor.Line(firstLine(f.Lead)), Type: "could-not-decide", Text: r.plain(strings.Join(lines, "\n"))},
	}}
	s.Tests, s.Errors = 1, 1
	s.SystemOut = "Could not check deploy requests\n"
	return s
}

// JUnitDatabases renders a run over several databases as one JUnit XML
// report: one testsuite per database, numbered by its id, in order.
func JUnitDatabases(sections []DatabaseSection, run JUnitRun) ([]byte, error) {
	suites := make([]junitSuite, len(sections))
	for i, sec := range sections {
		if sec.Failure != nil {
			suites[i] = junitFailure(*sec.Failure, sec.Report, run)
		} else {
			suites[i] = junitVerdict(sec.Verdict, sec.Report, run)
		}
		suites[i].ID = i
	}
	return marshalJUnit(suites...)
}

// junitSuite starts the database's test suite.
func (r Report) junitSuite(run JUnitRun) junitSuite {
	host := strings.TrimSpace(sanitize.Line(run.Hostname))
	if host == "" {
		host = "localhost"
	}
	pkg := "deploy-request-gate." + r.plain(r.Organization) + "." + r.plain(r.Database)
	props := []junitProperty{{"organization", r.plain(r.Organization)}, {"database", r.plain(r.Database)}}
	if r.Filter.Branch != "" {
		props = append(props, junitProperty{"branch", r.plain(r.Filter.Branch)})
	}
	if r.Filter.IntoBranch != "" {
		props = append(props, junitProperty{"into-branch", r.plain(r.Filter.IntoBranch)})
	}
	return junitSuite{
		Name: "deploy requests of " + r.plain(r.Organization+"/"+r.Database), Package: pkg,
		Timestamp: r.Now.UTC().Format("2006-01-02T15:04:05"), Hostname: host,
		Time:       strconv.FormatFloat(run.Elapsed.Seconds(), 'f', 3, 64),
		Properties: props,
	}
}

// plain makes outside text safe for a CI's test report: secrets removed,
// then each line cleared of control and bidirectional characters.
func (r Report) plain(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = r.Redactor.Line(l)
	}
	return strings.Join(lines, "\n")
}

// plainScope says, without Markdown, what was checked and the counts.
func plainScope(v check.Verdict, r Report) string {
	scope := "open deploy requests"
	if r.Filter.Branch != "" {
		scope += " from " + r.Filter.Branch
	}
	if r.Filter.IntoBranch != "" {
		scope += " into " + r.Filter.IntoBranch
	}
	return fmt.Sprintf("Checked %s of %s/%s with fail-on %s: %d matched, %d approved, %d not deployed and not approved.",
		scope, r.Organization, r.Database, v.Policy, len(v.Matched), v.Approved, v.Unapproved)
}

// failureText says why a blocking request blocks and where to act on it.
func failureText(e check.Entry) string {
	dr := e.DeployRequest
	approved := "not approved"
	if dr.Approved {
		approved = "approved"
	}
	text := fmt.Sprintf("Deploy request #%d from %s into %s is %s; deployment state %s (%s).",
		dr.Number, dr.Branch, dr.IntoBranch, approved, dr.DeploymentState, e.Stage)
	if e.Order != nil {
		text += " fail-on deploy-order, rule " + string(e.Order.Rule) + ": " + e.Order.Why
	}
	if dr.HTMLURL != "" {
		text += "\n" + dr.HTMLURL
	}
	return text
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func marshalJUnit(s ...junitSuite) ([]byte, error) {
	b, err := xml.MarshalIndent(junitSuites{Suites: s}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the JUnit report: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
