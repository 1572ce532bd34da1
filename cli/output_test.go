package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/internal/testkit"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// TestPrinter_json checks that JSON output is valid, keeps its data and
// order, and shows no secret in any form a string may carry it: plain,
// escaped by the API's JSON (\u005f for "_"), Markdown-escaped, or as a key.
func TestPrinter_json(t *testing.T) {
	t.Parallel()
	raw := json.RawMessage(`{"z":"keep me","plain":"x ` + tokenSecret + ` y","unicode":"pscale\u005ftkn\u005fcliTestSecretValue0123456789",` +
		`"markdown":"pscale\\_tkn\\_cliTestSecretValue0123456789","` + tokenSecret + `":1,"bidi":"a\u202eb","n":12345678901234567890}`)
	var out strings.Builder
	p := &printer{w: &out, redactor: sanitize.NewRedactor(tokenSecret)}
	if err := p.json([]json.RawMessage{raw}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, leak := range testkit.SecretLeaks([]string{tokenSecret, "cliTestSecretValue0123456789"}, "", map[string]string{"stdout": got}) {
		t.Error(leak)
	}
	if strings.Contains(got, "\u202e") {
		t.Errorf("a bidirectional override reached the terminal: %q", got)
	}
	var back []map[string]any
	dec := json.NewDecoder(strings.NewReader(got))
	dec.UseNumber()
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	obj := back[0]
	for k, want := range map[string]string{"z": "keep me", "plain": "x *** y", "unicode": "***", "markdown": "***", "bidi": "a\u202eb"} {
		if obj[k] != want {
			t.Errorf("%s = %q, want %q", k, obj[k], want)
		}
	}
	if obj["n"] != json.Number("12345678901234567890") || obj["***"] != json.Number("1") {
		t.Errorf("numbers changed: %v", obj)
	}
	if strings.Index(got, `"z"`) > strings.Index(got, `"plain"`) {
		t.Errorf("the keys were reordered:\n%s", got)
	}
}
