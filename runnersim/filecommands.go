package runnersim

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// FileCommand is one name and value of a runner file such as GITHUB_OUTPUT.
type FileCommand struct{ Name, Value string }

// ParseFileCommands parses a GITHUB_OUTPUT-style file the way the runner
// does: "name=value" lines and "name<<DELIMITER" blocks ending at a line
// that is exactly the delimiter. A block that never ends or a line with no
// "=" is an error.
func ParseFileCommands(r io.Reader) ([]FileCommand, error) {
	var out []FileCommand
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var value []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				value = append(value, sc.Text())
			}
			if !closed {
				return out, fmt.Errorf("value of %q has no closing delimiter %q", name, delim)
			}
			out = append(out, FileCommand{name, strings.Join(value, "\n")})
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || name == "" {
			return out, fmt.Errorf("malformed line %q", line)
		}
		out = append(out, FileCommand{name, value})
	}
	return out, sc.Err()
}

// Map returns the commands as a map; a name given twice keeps its last value.
func Map(cmds []FileCommand) map[string]string {
	m := make(map[string]string, len(cmds))
	for _, c := range cmds {
		m[c.Name] = c.Value
	}
	return m
}
