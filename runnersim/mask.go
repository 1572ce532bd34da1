package runnersim

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
)

// MaskingWriter shows a step log the way the runner's log does: it replaces
// every value announced with ::add-mask:: by ***, in the lines after it.
type MaskingWriter struct {
	mu    sync.Mutex
	out   io.Writer
	buf   bytes.Buffer
	masks []string
}

// NewMaskingWriter writes the masked log to out.
func NewMaskingWriter(out io.Writer) *MaskingWriter { return &MaskingWriter{out: out} }

func (w *MaskingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line) // an incomplete line waits for its end
			return len(p), nil
		}
		w.writeLine(strings.TrimSuffix(line, "\n"))
	}
}

// Flush writes a last line that had no line break.
func (w *MaskingWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() > 0 {
		w.writeLine(w.buf.String())
		w.buf.Reset()
	}
}

func (w *MaskingWriter) writeLine(line string) {
	if v, ok := strings.CutPrefix(line, "::add-mask::"); ok {
		w.masks = append(w.masks, v)
		fmt.Fprintln(w.out, "::add-mask::***")
		return
	}
	for _, m := range w.masks {
		if m != "" {
			line = strings.ReplaceAll(line, m, "***")
		}
	}
	fmt.Fprintln(w.out, line)
}
