package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// printer writes text for a terminal: every line is cleaned with the
// redactor (known secrets removed, control characters stripped), so API
// text can neither show the token nor drive the terminal.
type printer struct {
	w        io.Writer
	redactor *sanitize.Redactor
}

// printf formats one or more lines and writes each one cleaned.
func (p *printer) printf(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = p.redactor.Line(l)
	}
	_, _ = io.WriteString(p.w, strings.Join(lines, "\n"))
}

// println writes s and a line break.
func (p *printer) println(s string) { p.printf("%s\n", s) }

// json writes v as indented JSON for scripts: secrets redacted from every
// string (as the string reads, whatever escapes the API's JSON used to
// write it), and every character a terminal could act on (control
// characters, line separators, bidirectional overrides) written as a \u
// escape, which keeps the JSON valid and the same data.
func (p *printer) json(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	b, err = redactStrings(b, p.redactor)
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err = io.WriteString(p.w, sanitize.JSON(p.redactor.Redact(string(b)))+"\n")
	return err
}

// redactStrings removes the secrets from each string of the JSON text b,
// keys included, keeping everything else (order, layout) as it is. Each
// string is read as JSON reads it, so a secret written with escapes
// ("pscale\u005ftkn…") is found too.
func redactStrings(b []byte, r *sanitize.Redactor) ([]byte, error) {
	if r.Len() == 0 {
		return b, nil
	}
	var out bytes.Buffer
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			out.WriteByte(b[i])
			continue
		}
		end := i + 1
		for ; end < len(b) && b[end] != '"'; end++ {
			if b[end] == '\\' {
				end++
			}
		}
		if end >= len(b) {
			return nil, errors.New("unterminated string")
		}
		var s string
		if err := json.Unmarshal(b[i:end+1], &s); err != nil {
			return nil, err
		}
		if clean := r.Redact(s); clean != s {
			enc := json.NewEncoder(&out)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(clean); err != nil {
				return nil, err
			}
			out.Truncate(out.Len() - 1) // the encoder's newline
		} else {
			out.Write(b[i : end+1])
		}
		i = end
	}
	return out.Bytes(), nil
}

// rawObjects returns the API objects of items for JSON output: raw(item)
// when the client kept the object as the API sent it, else the item
// encoded. It never returns nil, so an empty list prints as [].
func rawObjects[T any](items []T, raw func(T) json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(items))
	for _, it := range items {
		if r := raw(it); len(r) > 0 {
			out = append(out, r)
			continue
		}
		b, err := json.Marshal(it)
		if err != nil {
			b = []byte("null")
		}
		out = append(out, b)
	}
	return out
}
