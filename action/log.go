package action

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// clean makes outside text fit for one log line or annotation: secrets
// removed, control characters stripped.
func (g *gate) clean(s string) string { return g.redactor.Line(s) }

// infof logs one line; the whole line goes through the sanitizer, so
// nothing in it can start a workflow command.
func (g *gate) infof(format string, args ...any) {
	g.a.Infof("%s", g.clean(fmt.Sprintf(format, args...)))
}

// redactingWriter is the step log. It serializes writes (go-githubactions
// does not lock its writer, and retries may log from several goroutines)
// and, as a last line of defence, removes known secrets from everything but
// the ::add-mask:: commands that announce them. Outside a runner (plain) it
// prints no workflow command: annotations become "Error: title: message"
// lines, debug lines show only with RUNNER_DEBUG=1, and other commands are
// dropped, since on a terminal or another CI they would mean nothing.
type redactingWriter struct {
	mu       sync.Mutex
	out      io.Writer
	redactor *sanitize.Redactor
	masks    map[string]bool
	plain    bool
	debug    bool
}

func (w *redactingWriter) mask(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.masks == nil {
		w.masks = map[string]bool{}
	}
	// The command as go-githubactions writes it, its message escaped.
	w.masks["::add-mask::"+commandEscaper.Replace(s)+"\n"] = true
}

var commandEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

func (w *redactingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.masks[string(p)] || w.redactor == nil {
		return w.out.Write(p)
	}
	line := string(p)
	if w.plain {
		line = plainCommand(line, w.debug)
	}
	clean := w.redactor.Redact(line)
	if _, err := io.Copy(w.out, bytes.NewBufferString(clean)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// plainCommand words a workflow command for a reader outside a runner; a
// line that is not a command is returned as it is.
func plainCommand(line string, debug bool) string {
	rest, ok := strings.CutPrefix(line, "::")
	if !ok {
		return line
	}
	command, message, ok := strings.Cut(rest, "::")
	if !ok {
		return line
	}
	name, props, _ := strings.Cut(command, " ")
	message = strings.TrimSuffix(message, "\n")
	switch name {
	case "debug":
		if !debug {
			return ""
		}
		return "debug: " + unescapeCommand(message) + "\n"
	case "error", "warning", "notice":
		label := strings.ToUpper(name[:1]) + name[1:]
		for _, p := range strings.Split(props, ",") {
			if title, ok := strings.CutPrefix(p, "title="); ok {
				label += ": " + unescapeCommand(title)
			}
		}
		return label + ": " + unescapeCommand(message) + "\n"
	}
	return ""
}

var commandUnescaper = strings.NewReplacer("%0D", "", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%")

// unescapeCommand undoes a workflow command's escaping; a CR is dropped.
func unescapeCommand(s string) string { return commandUnescaper.Replace(s) }
