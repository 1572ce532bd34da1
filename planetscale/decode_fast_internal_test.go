package planetscale

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fastProbe has a field of every kind decodeItem sets itself and of kinds
// it leaves to encoding/json, to hold the two to the same result.
type fastProbe struct {
	Name     string          `json:"name"`
	Small    int8            `json:"small"`
	Count    int             `json:"count"`
	Flag     bool            `json:"flag"`
	PName    *string         `json:"p_name"`
	PCount   *int            `json:"p_count"`
	PPName   **string        `json:"pp_name"`
	When     time.Time       `json:"when"`
	PWhen    *time.Time      `json:"p_when"`
	Nested   fastInner       `json:"nested"`
	PNested  *fastInner      `json:"p_nested"`
	Ratio    float64         `json:"ratio"`
	Unsigned uint            `json:"unsigned"`
	Tags     []string        `json:"tags"`
	Items    []fastInner     `json:"items"`
	Meta     map[string]int  `json:"meta"`
	Any      any             `json:"any"`
	Quoted   int             `json:"quoted,string"`
	Raw      json.RawMessage `json:"raw"`
	Nulled   nullCounter     `json:"nulled"`
	Text     textOnly        `json:"text"`
}

type fastInner struct {
	Label string     `json:"label"`
	Depth int        `json:"depth"`
	Inner *fastInner `json:"inner"`
}

// nullCounter is an Unmarshaler that notes a null, as encoding/json hands
// it one.
type nullCounter struct{ Nulls int }

func (n *nullCounter) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		n.Nulls++
		return nil
	}
	if string(b) == `"bad"` {
		return errors.New("bad value")
	}
	n.Nulls = -len(b)
	return nil
}

// textOnly decodes from a string through UnmarshalText only.
type textOnly struct{ S string }

func (t *textOnly) UnmarshalText(b []byte) error { t.S = strings.ToUpper(string(b)); return nil }

// embeds promotes fields from an embedded struct: never set field by field.
type embeds struct {
	fastInner
	Name string `json:"name"`
}

// FuzzDecodeItem holds decodeItem to decodeStrict: for any well-formed
// JSON, the same value and the same error, for a deploy request (with its
// required fields), a probe of every field kind, and a struct with
// promoted fields.
func FuzzDecodeItem(f *testing.F) {
	for _, seed := range []string{
		`{"id":"dr1","number":3,"branch":"b","into_branch":"main","approved":true,"state":"open","deployment_state":"ready","deployment":{"state":"ready","deployable":true,"lint_errors":[]},"notes":null,"created_at":"2026-11-01T09:00:00.000Z","closed_at":null,"actor":{"id":"x"}}`,
		`{"number":1,"branch":"caf\u00e9","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","deployment":null}`,
		`{"number":1,"branch":"café","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","deployed_at":"2026-11-01T09:00:00Z"}`,
		`{"number":1.5,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready"}`,
		`{"number":99999999999999999999,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready"}`,
		`{"number":1,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","created_at":"yesterday"}`,
		`{"number":1,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","notes":5,"deployment":"x"}`,
		`{"name":"a","small":300,"count":-0,"flag":false,"p_name":"p","p_count":null,"pp_name":"q","when":null,"p_when":"2026-01-02T03:04:05Z"}`,
		`{"nested":{"label":"l","depth":2,"inner":{"label":"m"}},"p_nested":{"inner":null},"ratio":1e3,"unsigned":7}`,
		`{"tags":["a"],"items":[{"label":"x"}],"meta":{"a":1},"any":{"b":[1]},"quoted":"12","raw":[1,2],"nulled":null,"text":"abc"}`,
		`{"nulled":"bad","name":"x\"y","Label":1}`,
		`{"label":"a","name":"n","depth":1}`,
		`[1]`, `"x"`, `null`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	required := deployRequestList.Required
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // decodeItem's inputs are well-formed, as Client.get hands them over
		}
		sameAsStrict[DeployRequest](t, raw, required...)
		sameAsStrict[fastProbe](t, raw)
		sameAsStrict[embeds](t, raw)
	})
}

// sameAsStrict decodes raw into a T with decodeItem and with decodeStrict
// and fails unless both give the same value and the same error.
func sameAsStrict[T any](t *testing.T, raw []byte, required ...string) {
	t.Helper()
	var fast, strict T
	errFast := decodeItem(raw, &fast, required...)
	errStrict := decodeStrict(raw, &strict, required...)
	if errText(errFast) != errText(errStrict) {
		t.Fatalf("%T from %s: decodeItem error = %v, decodeStrict error = %v", fast, raw, errFast, errStrict)
	}
	if !reflect.DeepEqual(fast, strict) {
		t.Fatalf("%T from %s:\ndecodeItem   = %+v\ndecodeStrict = %+v", fast, raw, fast, strict)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestDecodeItem_setsPlainFieldsItself checks that a usual deploy request
// takes the fast way: decodeItem sets it in its one pass, with no field
// left to encoding/json.
func TestDecodeItem_setsPlainFieldsItself(t *testing.T) {
	t.Parallel()

	raw := []byte(`{"id":"dr1","number":3,"branch":"b","into_branch":"main","approved":true,"state":"open",` +
		`"deployment_state":"ready","deployment":{"state":"ready","deployable":true,"lint_errors":[{"x":1}]},` +
		`"notes":null,"html_url":"https://app.planetscale.com/a/b/deploy-requests/3","created_at":"2026-11-01T09:00:00.000Z",` +
		`"closed_at":null,"deployed_at":"2026-11-01T10:00:00Z","actor":{"id":"x"}}`)
	var dr DeployRequest
	s := &scanner{data: raw}
	if err := s.object(fieldsOf(reflect.TypeFor[DeployRequest]()), deployRequestList.Required, "", nil, reflect.ValueOf(&dr).Elem()); err != nil {
		t.Fatalf("object() error = %v", err)
	}
	if s.slow {
		t.Fatal("a usual deploy request was left to encoding/json")
	}
	var want DeployRequest
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dr, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", dr, want)
	}
}
