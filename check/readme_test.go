package check

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// The repository's root, seen from this package's directory.
const repoRoot = ".."

// The documents these tests hold to the code. The README keeps the
// deployment-state table; the troubleshooting guide has one heading per
// problem code, which every message the gate prints links to.
const (
	readmePath          = "README.md"
	troubleshootingPath = "docs/troubleshooting.md"
)

// ownDocs are the documents whose relative links
// TestDocs_RelativeLinksResolve follows.
var ownDocs = []string{readmePath, troubleshootingPath, "docs/demo.md", "docs/development.md", "docs/github.md"}

// TestREADME_DeploymentStateTable keeps the README's table of the 20
// deployment states in step with DeploymentStates: same order, stage and
// meaning, and the blocking columns the verdict actually gives.
func TestREADME_DeploymentStateTable(t *testing.T) {
	t.Parallel()
	_, table, found := strings.Cut(readDoc(t, readmePath), "\n| `deployment_state` |")
	if !found {
		t.Fatal("README has no table headed | `deployment_state` |")
	}
	var rows []string
	for _, line := range strings.Split(table, "\n")[2:] { // after the header's rest and the separator
		if !strings.HasPrefix(line, "|") {
			break
		}
		rows = append(rows, line)
	}
	if got, want := len(rows), len(DeploymentStates); got != want {
		t.Fatalf("README has %d deployment-state rows, want %d", got, want)
	}
	blocks := func(p Policy, state string) string {
		unapproved := evaluateOne(p, state, false)
		approvedBlocks := evaluateOne(p, state, true)
		switch {
		case unapproved && approvedBlocks:
			return "yes"
		case unapproved:
			return "if not approved"
		}
		return "no"
	}
	for i, s := range DeploymentStates {
		want := fmt.Sprintf("| `%s` | %s | %s | %s | %s |", s.Name, s.Stage, s.Meaning,
			blocks(FailOnUnapproved, s.Name), blocks(FailOnUndeployed, s.Name))
		if rows[i] != want {
			t.Errorf("README row %d:\n got %s\nwant %s", i+1, rows[i], want)
		}
	}
}

func evaluateOne(p Policy, state string, approved bool) bool {
	v := Evaluate([]DeployRequest{openDR(1, state, approved)}, Filter{}, p)
	return !v.Passed()
}

// TestTroubleshooting_EveryCodeHasAHeading: every problem code the gate can
// print (the codes passed to troubleshoot, and those a front end appends to
// TroubleshootingURL, such as bad-input) has a heading of its own in
// docs/troubleshooting.md whose anchor is exactly the code, so the link at
// the end of every message lands on its entry.
func TestTroubleshooting_EveryCodeHasAHeading(t *testing.T) {
	t.Parallel()
	codes := problemCodes(t)
	for _, want := range []string{"bad-input", "could-not-list"} {
		if !slices.Contains(codes, want) {
			t.Errorf("the scan of the code found no %q: is problemCodes still reading the right calls?", want)
		}
	}
	headings := anchors(readDoc(t, troubleshootingPath))
	for _, code := range codes {
		text, ok := headings[code]
		switch {
		case !ok:
			t.Errorf("%s has no heading for problem code %q: add \"### %s\" with the message, its cause and the fix", troubleshootingPath, code, code)
		case text != code:
			t.Errorf("%s: the anchor #%s belongs to the heading %q, not to one that is the code alone", troubleshootingPath, code, text)
		}
	}
}

// TestTroubleshooting_ScanFindsExplainCodes guards the scan above: the code
// Explain gives for an error of each kind is among the codes it found.
func TestTroubleshooting_ScanFindsExplainCodes(t *testing.T) {
	t.Parallel()
	codes := problemCodes(t)
	errs := []error{
		errors.New("something else"),
		&answer{401, "401 Unauthorized"},
		&answer{418, "418 I'm a teapot"},
		&gaveUp{err: ErrNoAnswer},
		fmt.Errorf("page 2 names next page 2: %w", ErrPaging),
		fmt.Errorf("%w: an HTML page", ErrUnexpectedAnswer),
	}
	for _, err := range errs {
		if code := Explain(err, Config{}).Code; !slices.Contains(codes, code) {
			t.Errorf("Explain(%v) gives code %q, which the scan of the code did not find", err, code)
		}
	}
}

// TestDocs_RelativeLinksResolve: every relative link in the README and the
// docs pages it owns names a file that exists and, with a #fragment, a
// heading of that file.
func TestDocs_RelativeLinksResolve(t *testing.T) {
	t.Parallel()
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, doc := range ownDocs {
		for _, line := range proseLines(readDoc(t, doc)) {
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				file, fragment, _ := strings.Cut(target, "#")
				path := doc
				if file != "" {
					path = filepath.ToSlash(filepath.Join(filepath.Dir(doc), file))
				}
				if _, err := os.Stat(filepath.Join(repoRoot, path)); err != nil {
					t.Errorf("%s: link %q: %s does not exist", doc, target, path)
					continue
				}
				if fragment == "" {
					continue
				}
				if _, ok := anchors(readDoc(t, path))[fragment]; !ok {
					t.Errorf("%s: link %q: %s has no heading with the anchor #%s", doc, target, path, fragment)
				}
			}
		}
	}
}

// readDoc returns a file of the repository, by its path from the root.
func readDoc(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// problemCodes returns the problem codes the module's code can print: the
// first argument of every troubleshoot call and every "#code" appended to
// TroubleshootingURL, in the non-test Go files of the repository.
func problemCodes(t *testing.T) []string {
	t.Helper()
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`\btroubleshoot\(\s*"([^"]+)"`),
		regexp.MustCompile(`\bTroubleshootingURL\s*\+\s*"#([^"]+)"`),
	}
	var codes []string
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != repoRoot && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				if !slices.Contains(codes, m[1]) {
					codes = append(codes, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) == 0 {
		t.Fatal("no problem codes found in the code: the scan no longer matches how problems are made")
	}
	slices.Sort(codes)
	return codes
}

// proseLines returns the lines of a Markdown document outside fenced code
// blocks, with inline code spans removed.
func proseLines(md string) []string {
	span := regexp.MustCompile("`[^`]*`")
	var out []string
	for _, line := range outsideFences(md) {
		out = append(out, span.ReplaceAllString(line, ""))
	}
	return out
}

// outsideFences returns the lines of a Markdown document that are not in a
// fenced code block, nor its fences.
func outsideFences(md string) []string {
	var out []string
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
		case strings.HasPrefix(trimmed, "```"), strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:3]
		default:
			out = append(out, line)
		}
	}
	return out
}

// anchors returns the anchors GitHub gives a document's headings, each with
// its heading's text: the text in lower case, without punctuation, spaces
// as hyphens, and -1, -2, … after a repeated one.
func anchors(md string) map[string]string {
	heading := regexp.MustCompile(`^#{1,6}\s+(.+?)\s*#*\s*$`)
	link := regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	out := map[string]string{}
	seen := map[string]int{}
	for _, line := range outsideFences(md) {
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := strings.NewReplacer("`", "", "*", "").Replace(link.ReplaceAllString(m[1], "$1"))
		slug := slugify(text)
		if n := seen[slug]; n > 0 {
			seen[slug]++
			slug = fmt.Sprintf("%s-%d", slug, n)
		} else {
			seen[slug] = 1
		}
		out[slug] = text
	}
	return out
}

// slugify is GitHub's anchor for a heading's text.
func slugify(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
