package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// shells are the shells completion writes a script for.
var shells = []string{"bash", "zsh", "fish"}

// completionSetup registers the flags of completion (none) and returns its
// run, which prints the script for the shell named by the one word.
func completionSetup(fs *flag.FlagSet) func(context.Context, *session) int {
	return func(_ context.Context, s *session) int {
		shell := fs.Arg(0)
		if !slices.Contains(shells, shell) {
			msg := "name the shell: bash, zsh or fish"
			if shell != "" {
				msg = fmt.Sprintf("%q: %s%s", shell, msg, didYouMeanWord(shell, shells))
			}
			return s.cmd.usageError(s.env, s.redactor, msg)
		}
		s.stdout.printf("%s", completionScript(shell))
		return ExitOK
	}
}

// completionSpec is what the scripts complete, read from the command table
// so they cannot drift from it.
type completionSpec struct {
	commands []*command
	// flags holds each command's flags, sorted.
	flags map[string][]*flag.Flag
	// values holds the values a flag takes, by command and flag name.
	values map[string]map[string][]string
}

func newCompletionSpec() completionSpec {
	spec := completionSpec{commands: commands(), flags: map[string][]*flag.Flag{}, values: map[string]map[string][]string{}}
	policies := make([]string, 0, len(check.Policies))
	for _, p := range check.Policies {
		policies = append(policies, string(p))
	}
	scenarios := slices.Concat(sandbox.ScenarioNames(), sandbox.CardScenarioNames(), sandbox.FaultScenarioNames())
	for _, c := range spec.commands {
		c.allFlags().VisitAll(func(f *flag.Flag) { spec.flags[c.name] = append(spec.flags[c.name], f) })
		spec.values[c.name] = map[string][]string{"format": c.formatNames(), "fail-on": policies, "scenario": scenarios, "state": {"open", "closed", "all"}}
		if c.name == "demo" {
			spec.values[c.name]["scenario"] = append(demoScenarioNames(), sandbox.FaultScenarioNames()...)
		}
	}
	return spec
}

// valuesFor returns the values flag f of command c takes, if they are a
// fixed list.
func (spec completionSpec) valuesFor(c string, f *flag.Flag) []string {
	if !takesArg(f) {
		return nil
	}
	return spec.values[c][f.Name]
}

// completionScript is the completion script for shell.
func completionScript(shell string) string {
	spec := newCompletionSpec()
	switch shell {
	case "bash":
		return spec.bash()
	case "zsh":
		return spec.zsh()
	}
	return spec.fish()
}

// takesArg reports whether f takes a value.
func takesArg(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// names lists the command names, then the flags the binary takes alone.
func (spec completionSpec) topWords() string {
	return strings.Join(append(commandNames(spec.commands), "help", "--help", "--version"), " ")
}

// valueFlags lists every flag that takes a value, as --name, for the
// scripts to skip its value when they look for the command.
func (spec completionSpec) valueFlags() []string {
	var out []string
	for _, c := range spec.commands {
		for _, f := range spec.flags[c.name] {
			if name := "--" + f.Name; takesArg(f) && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// findCommand is the shell loop (bash and zsh alike) that sets cmd to the
// first of ${words[first]} … ${words[before-1]} that is neither a flag nor
// a flag's value.
func (spec completionSpec) findCommand(first, before, words string) string {
	return "  for ((i = " + first + "; i < " + before + "; i++)); do\n" +
		"    case ${" + words + "[i]} in\n" +
		"      " + strings.Join(spec.valueFlags(), "|") + ") ((i++)) ;;\n" +
		"      -*) ;;\n" +
		"      *) cmd=${" + words + "[i]}; break ;;\n" +
		"    esac\n" +
		"  done\n"
}

// valueCases writes one case line per flag that takes one of a list of
// values: format gets the command, the flag and the values, space-separated.
func (spec completionSpec) valueCases(b *strings.Builder, format string) {
	for _, c := range spec.commands {
		for _, f := range spec.flags[c.name] {
			if v := spec.valuesFor(c.name, f); len(v) > 0 {
				fmt.Fprintf(b, format, c.name, f.Name, strings.Join(v, " "))
			}
		}
	}
}

func (spec completionSpec) bash() string {
	var b strings.Builder
	b.WriteString(`# bash completion for deploy-request-gate.
# Load it in this shell:  source <(deploy-request-gate completion bash)
# or for every shell:     deploy-request-gate completion bash > ~/.local/share/bash-completion/completions/deploy-request-gate
_deploy_request_gate() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd="" i
` + spec.findCommand("1", "COMP_CWORD", "COMP_WORDS") + `  local words=""
  case "$cmd:$prev" in
`)
	spec.valueCases(&b, "    %s:--%s) words=%q ;;\n")
	b.WriteString("    *)\n      case $cmd in\n")
	fmt.Fprintf(&b, "        \"\") words=%q ;;\n", spec.topWords())
	for _, c := range spec.commands {
		var flags []string
		for _, f := range spec.flags[c.name] {
			flags = append(flags, "--"+f.Name)
		}
		words := append(flags, "--help")
		switch c.name {
		case "completion":
			words = append(words, shells...)
		}
		fmt.Fprintf(&b, "        %s) words=%q ;;\n", c.name, strings.Join(words, " "))
	}
	fmt.Fprintf(&b, "        help) words=%q ;;\n", strings.Join(commandNames(spec.commands), " "))
	b.WriteString(`      esac ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -o default -F _deploy_request_gate deploy-request-gate
`)
	return b.String()
}

func (spec completionSpec) zsh() string {
	var b strings.Builder
	b.WriteString(`#compdef deploy-request-gate
# zsh completion for deploy-request-gate.
# Load it in this shell:  source <(deploy-request-gate completion zsh)
# or for every shell, into a directory of $fpath:
#   deploy-request-gate completion zsh > "${fpath[1]}/_deploy-request-gate"
_deploy_request_gate() {
  local cmd="" i
` + spec.findCommand("2", "CURRENT", "words") + `  case "$cmd:${words[CURRENT-1]}" in
`)
	spec.valueCases(&b, "    %s:--%s) compadd -- %s; return ;;\n")
	b.WriteString("  esac\n  case $cmd in\n    \"\")\n      local -a cmds=(\n")
	for _, c := range spec.commands {
		fmt.Fprintf(&b, "        %s\n", zshQuote(c.name+":"+c.summary))
	}
	b.WriteString("        'help:show the help of a command'\n      )\n      _describe command cmds ;;\n")
	for _, c := range spec.commands {
		fmt.Fprintf(&b, "    %s)\n      local -a flags=(\n", c.name)
		for _, f := range spec.flags[c.name] {
			_, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(&b, "        %s\n", zshQuote("--"+f.Name+":"+usage))
		}
		b.WriteString("        '--help:show the help'\n      )\n      _describe flag flags")
		if c.name == "completion" {
			b.WriteString("\n      compadd -- " + strings.Join(shells, " "))
		}
		b.WriteString(" ;;\n")
	}
	fmt.Fprintf(&b, "    help) compadd -- %s ;;\n", strings.Join(commandNames(spec.commands), " "))
	b.WriteString(`  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _deploy_request_gate "$@"
else
  compdef _deploy_request_gate deploy-request-gate
fi
`)
	return b.String()
}

// zshQuote quotes s for zsh in single quotes; a colon in the description
// part is escaped so _describe does not split on it.
func zshQuote(s string) string {
	name, desc, _ := strings.Cut(s, ":")
	s = name + ":" + strings.ReplaceAll(desc, ":", `\:`)
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (spec completionSpec) fish() string {
	var b strings.Builder
	b.WriteString(`# fish completion for deploy-request-gate.
# Load it in this shell:  deploy-request-gate completion fish | source
# or for every shell:     deploy-request-gate completion fish > ~/.config/fish/completions/deploy-request-gate.fish
complete -c deploy-request-gate -f
complete -c deploy-request-gate -s v -l version -d 'print the version'
complete -c deploy-request-gate -s h -l help -d 'show the help'
`)
	all := strings.Join(append(commandNames(spec.commands), "help"), " ")
	for _, c := range spec.commands {
		fmt.Fprintf(&b, "complete -c deploy-request-gate -n 'not __fish_seen_subcommand_from %s' -a %s -d %s\n", all, c.name, fishQuote(c.summary))
	}
	fmt.Fprintf(&b, "complete -c deploy-request-gate -n 'not __fish_seen_subcommand_from %s' -a help -d 'show the help of a command'\n", all)
	fmt.Fprintf(&b, "complete -c deploy-request-gate -n '__fish_seen_subcommand_from help' -a %s\n", fishQuote(strings.Join(commandNames(spec.commands), " ")))
	for _, c := range spec.commands {
		cond := "-n '__fish_seen_subcommand_from " + c.name + "'"
		for _, f := range spec.flags[c.name] {
			_, usage := flag.UnquoteUsage(f)
			line := fmt.Sprintf("complete -c deploy-request-gate %s -l %s", cond, f.Name)
			switch v := spec.valuesFor(c.name, f); {
			case len(v) > 0: // the values on a line of their own, so the flag's description is not theirs
				fmt.Fprintf(&b, "%s -x -a %s\n", line, fishQuote(strings.Join(v, " ")))
				line += " -x"
			case f.Name == "markdown" || f.Name == "tls-cert":
				line += " -r -F"
			case takesArg(f):
				line += " -x"
			}
			b.WriteString(line + " -d " + fishQuote(usage) + "\n")
		}
		if c.name == "completion" {
			fmt.Fprintf(&b, "complete -c deploy-request-gate %s -a %s\n", cond, fishQuote(strings.Join(shells, " ")))
		}
	}
	return b.String()
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// commandNames lists the names of cs, in order.
func commandNames(cs []*command) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.name)
	}
	return out
}
