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
// the ::add-mask:: commands that announce them.
type redactingWriter struct {
	mu       sync.Mutex
	out      io.Writer
	redactor *sanitize.Redactor
	masks    map[string]bool
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
	clean := w.redactor.Redact(string(p))
	if _, err := io.Copy(w.out, bytes.NewBufferString(clean)); err != nil {
		return 0, err
	}
	return len(p), nil
}
