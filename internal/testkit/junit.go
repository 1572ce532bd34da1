package testkit

import (
	_ "embed"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// junitSchema is the JUnit XML schema GitLab, Jenkins and CircleCI read, as
// the Ant JUnit schema states it (see the file's comment).
//
//go:embed junit.xsd
var junitSchema []byte

// JUnitCase is a test case of a JUnit report, as CheckJUnit reads it.
type JUnitCase struct {
	Name      string `xml:"name,attr"`
	ClassName string `xml:"classname,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
	Error *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	} `xml:"error"`
}

// JUnitSuite is a test suite of a JUnit report, as CheckJUnit reads it.
type JUnitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Cases     []JUnitCase `xml:"testcase"`
	SystemOut string      `xml:"system-out"`
}

// CheckJUnit validates doc against the JUnit XML schema with xmllint
// (libxml2-utils; .ci/run installs it, and under CI=true its absence fails
// the test), checks that every character of it is one XML allows and no
// control or bidirectional character is left, that the counts agree with
// the test cases, and returns the suites.
func CheckJUnit(t testing.TB, doc []byte) []JUnitSuite {
	t.Helper()
	validateSchema(t, doc)
	dec := xml.NewDecoder(strings.NewReader(string(doc)))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the JUnit report is not well-formed XML: %v\n%s", err, doc)
		}
	}
	for _, r := range string(doc) {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == 0xFFFE || r == 0xFFFF) {
			t.Errorf("the JUnit report holds the character %U", r)
		}
	}
	var suites struct {
		XMLName xml.Name     `xml:"testsuites"`
		Suites  []JUnitSuite `xml:"testsuite"`
	}
	if err := xml.Unmarshal(doc, &suites); err != nil {
		t.Fatalf("decode the JUnit report: %v", err)
	}
	for _, s := range suites.Suites {
		failures, errs := 0, 0
		for _, c := range s.Cases {
			if c.Failure != nil {
				failures++
			}
			if c.Error != nil {
				errs++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != failures || s.Errors != errs {
			t.Errorf("suite %q says tests=%d failures=%d errors=%d but holds %d cases, %d failing, %d in error",
				s.Name, s.Tests, s.Failures, s.Errors, len(s.Cases), failures, errs)
		}
	}
	return suites.Suites
}

func validateSchema(t testing.TB, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is not installed (apt-get install libxml2-utils); CI must validate the JUnit report")
		}
		t.Log("xmllint is not installed (apt-get install libxml2-utils): the JUnit report is not validated against the schema")
		return
	}
	dir := t.TempDir()
	xsd, report := filepath.Join(dir, "junit.xsd"), filepath.Join(dir, "report.xml")
	if err := os.WriteFile(xsd, junitSchema, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(report, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", xsd, report).CombinedOutput()
	if err != nil {
		t.Fatalf("the JUnit report does not validate against the JUnit schema: %v\n%s\n%s", err, out, doc)
	}
}
