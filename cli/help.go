package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// The help text's layout: its width, and where a flag's description starts.
const (
	helpWidth  = 80
	flagColumn = 28
)

// paragraphs re-flows text: paragraphs apart by a blank line, each wrapped
// to width.
func paragraphs(text string, width int) string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	for i, p := range paras {
		paras[i] = wrap(strings.Join(strings.Fields(p), " "), width, "")
	}
	return strings.Join(paras, "\n\n")
}

// usage is the binary's help: the commands, the settings they share and
// the exit statuses.
func usage() string {
	var b strings.Builder
	b.WriteString("deploy-request-gate keeps unapproved PlanetScale schema changes out of your main branch.\n\n")
	b.WriteString("Usage:\n  deploy-request-gate                run the gate as a GitHub Action (in a workflow; inputs from INPUT_* variables)\n")
	b.WriteString("  deploy-request-gate COMMAND [flags]\n  deploy-request-gate -v, --version  print the version\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-16s %s\n", c.name, c.summary)
	}
	b.WriteString(`
Every command that calls the PlanetScale API reads the settings pscale reads:
  ` + check.EnvServiceToken + `      the service token, ID:TOKEN (or the token alone, with the ID below)
  ` + check.EnvServiceTokenID + `   the service token's ID
  ` + check.EnvOrganization + `                the organization (--org)
  ` + check.EnvAPIURL + `            the API address (--api-url)
Flags win over the variables. Flags may stand before or after the other words.

Start with:
  export ` + check.EnvServiceToken + `=ID:TOKEN ` + check.EnvOrganization + `=my-org
  deploy-request-gate doctor --database my-db      # is the token set up for the gate?
  deploy-request-gate overview                     # databases, branches, requests awaiting approval
  deploy-request-gate check --database my-db       # the gate: exit 0 pass, 1 blocks, 2 could not decide
No account at hand? 'deploy-request-gate sandbox' serves a fake API to try them on.

Run 'deploy-request-gate help COMMAND' (or COMMAND --help) for a command's flags and examples.
`)
	return b.String()
}

// shortUsage is the usage printed after a command line that does not parse.
func shortUsage() string {
	return "Usage: deploy-request-gate COMMAND [flags]\nCommands: " + strings.Join(commandNames(commands()), ", ") +
		"\nRun 'deploy-request-gate help' for more.\n"
}

// usageLine is the command's synopsis.
func (c *command) usageLine() string {
	if c.synopsis != "" {
		return "deploy-request-gate " + c.synopsis
	}
	line := "deploy-request-gate " + c.name
	switch c.scope {
	case database:
		line += " [DATABASE] --org ORG [--database DATABASE]"
	case optionalDatabase:
		line += " [DATABASE] --org ORG"
	case organization:
		line += " --org ORG"
	}
	return line + " [flags]"
}

// help is the command's full help text.
func (c *command) help() string {
	fs := c.allFlags()
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\n%s\n", c.usageLine(), paragraphs(c.about, helpWidth))
	own, shared := flagLines(fs)
	if own != "" {
		b.WriteString("\nFlags:\n" + own)
	}
	if shared != "" {
		b.WriteString("\nAPI flags (every command that calls the PlanetScale API takes them):\n" + shared)
	}
	fmt.Fprintf(&b, "%-*sshow this help\n", flagColumn, "  -h, --help")
	if len(c.examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range c.examples {
			b.WriteString("  " + e + "\n")
		}
	}
	if c.exits != "" {
		b.WriteString("\n" + wrap("Exit status: "+c.exits, helpWidth, "") + "\n")
	}
	return b.String()
}

// flagLines lists the command's own flags and the common API flags, one
// line each, as --name VALUE and its usage.
func flagLines(fs *flag.FlagSet) (own, shared string) {
	var o, s strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		if value == "value" {
			value = "" // a boolean flag
		}
		left := "  --" + f.Name
		if value != "" {
			left += " " + value
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && !strings.Contains(usage, "(default") {
			usage += " (default " + f.DefValue + ")"
		}
		pad := strings.Repeat(" ", flagColumn)
		text := strings.ReplaceAll(wrap(usage, helpWidth-flagColumn, ""), "\n", "\n"+pad)
		line := fmt.Sprintf("%-*s%s\n", flagColumn, left, text)
		if len(left) >= flagColumn {
			line = left + "\n" + pad + text + "\n"
		}
		if commonFlagNames[f.Name] {
			s.WriteString(line)
		} else {
			o.WriteString(line)
		}
	})
	return o.String(), s.String()
}

// didYouMean suggests the command closest to a mistyped name.
func didYouMean(name string) string {
	return didYouMeanWord(name, commandNames(commands()))
}

// didYouMeanWord suggests the one of candidates closest to a mistyped
// word: " (did you mean json?)", or "".
func didYouMeanWord(word string, candidates []string) string {
	if m := closest(word, candidates, 1); len(m) > 0 {
		return fmt.Sprintf(" (did you mean %s?)", m[0])
	}
	return ""
}

// didYouMeanFlag suggests the flag of fs closest to the unknown flag arg
// ("--orgg" or "-orgg=acme"): " (did you mean --org?)", or "".
func didYouMeanFlag(fs *flag.FlagSet, arg string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if m := closest(name, names, 1); len(m) > 0 {
		return fmt.Sprintf(" (did you mean --%s?)", m[0])
	}
	return ""
}
