package planetscale

import (
	"bytes"
	encjson "encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// strictInner is a nested struct decodeStrict must look into.
type strictInner struct {
	Name string `json:"name"`
}

// strictEmbedded is promoted into strictOuter, as encoding/json does.
type strictEmbedded struct {
	Region string `json:"region"`
}

// StrictLoop embeds itself through a pointer; it is exported so that
// encoding/json can set it.
type StrictLoop struct {
	*StrictLoop
	Loop int `json:"loop"`
}

// strictOuter exercises what decodeStrict looks into and what it leaves.
type strictOuter struct {
	strictEmbedded
	*StrictLoop
	ID       int               `json:"id"`
	Label    string            `json:"label,omitempty"`
	Ratio    float64           `json:"ratio"`
	Untagged bool              // matched as "Untagged"
	Skipped  string            `json:"-"`
	One      *strictInner      `json:"one"`
	Many     []strictInner     `json:"many"`
	Ptrs     []*strictInner    `json:"ptrs"`
	Tags     []string          `json:"tags"`
	Meta     map[string]string `json:"meta"`
	When     time.Time         `json:"when"`
	Raw      jsontext.Value    `json:"raw"`
	Next     *strictOuter      `json:"next"`
	hidden   int
}

// manyKeys returns an object of n distinct keys, then the extra ones.
func manyKeys(n int, extra ...string) string {
	keys := make([]string, 0, n+len(extra))
	for i := range n {
		keys = append(keys, `"k`+strconv.Itoa(i)+`":0`)
	}
	for _, k := range extra {
		keys = append(keys, `"`+k+`":0`)
	}
	return "{" + strings.Join(keys, ",") + "}"
}

func TestDecodeStrict(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		in       string
		required []string
		want     string // the error, "" for none
	}{
		{name: "empty_object", in: `{}`},
		{name: "all_fields", in: `{"region":"eu","id":1,"label":"x","ratio":0.5,"Untagged":true,"one":{"name":"a"},"many":[{"name":"b"},null],"ptrs":[null,{"name":"c"}],"tags":["A","a"],"meta":{"k":"v","K":"w"},"when":"2026-11-01T09:00:00Z","raw":{"id":1,"ID":2},"next":{"id":2,"next":null}}`},
		{name: "space_everywhere", in: " {\n\t\"id\" : 1 ,\r\n \"one\" : { \"name\" : \"a\" } , \"many\" : [ ] } "},
		{name: "embedded_loop", in: `{"loop":1}`},
		{name: "embedded_loop_in_another_case", in: `{"LOOP":1}`, want: `key "LOOP" differs from the field "loop" only in case`},
		{name: "required_present", in: `{"id":3,"label":"x","Untagged":false,"ratio":1e3}`, required: []string{"id", "label", "Untagged", "ratio"}},
		{name: "required_missing", in: `{"id":3}`, required: []string{"id", "label"}, want: `field "label" is missing`},
		{name: "required_null", in: `{"label":null}`, required: []string{"label"}, want: `field "label" is null`},
		{name: "required_wrong_kind", in: `{"Untagged":"yes"}`, required: []string{"Untagged"}, want: `field "Untagged" is a string, want true or false`},
		{name: "required_integer_fraction", in: `{"id":1.5}`, required: []string{"id"}, want: `field "id" is "1.5", want an integer`},
		{name: "required_object", in: `{"one":{"name":"a"}}`, required: []string{"one"}},
		{name: "required_object_null", in: `{"one":null}`, required: []string{"one"}, want: `field "one" is null`},
		{name: "key_twice", in: `{"id":1,"id":1}`, want: `key "id" appears twice`},
		{name: "many_keys", in: manyKeys(200, "id")},
		{name: "many_keys_one_twice", in: manyKeys(200, "k3"), want: `key "k3" appears twice`},
		{name: "many_keys_last_twice", in: manyKeys(200, "k199"), want: `key "k199" appears twice`},
		{name: "unknown_key_twice", in: `{"x":1,"x":2}`, want: `key "x" appears twice`},
		{name: "key_twice_in_unknown_value", in: `{"x":{"a":[{"b":1,"b":2}]}}`, want: `x: a[0]: key "b" appears twice`},
		{name: "key_twice_in_raw_value", in: `{"raw":{"id":1,"id":2}}`, want: `raw: key "id" appears twice`},
		{name: "key_twice_in_map", in: `{"meta":{"k":"v","k":"w"}}`, want: `meta: key "k" appears twice`},
		{name: "map_keys_in_any_case", in: `{"meta":{"k":"v","K":"w"}}`},
		{name: "key_in_another_case", in: `{"ID":1}`, want: `key "ID" differs from the field "id" only in case`},
		{name: "untagged_in_another_case", in: `{"untagged":true}`, want: `key "untagged" differs from the field "Untagged" only in case`},
		{name: "embedded_in_another_case", in: `{"Region":"eu"}`, want: `key "Region" differs from the field "region" only in case`},
		{name: "skipped_field_in_any_case", in: `{"Skipped":"a","skipped":"b","hidden":1}`},
		{name: "nested_key_twice", in: `{"one":{"name":"a","name":"b"}}`, want: `one: key "name" appears twice`},
		{name: "nested_in_another_case", in: `{"one":{"Name":"a"}}`, want: `one: key "Name" differs from the field "name" only in case`},
		{name: "array_element_in_another_case", in: `{"many":[{"name":"a"},{"NAME":"b"}]}`, want: `many[1]: key "NAME" differs from the field "name" only in case`},
		{name: "pointer_element_key_twice", in: `{"ptrs":[{"name":"a","name":"a"}]}`, want: `ptrs[0]: key "name" appears twice`},
		{name: "recursive_type", in: `{"next":{"next":{"ID":1}}}`, want: `next: next: key "ID" differs from the field "id" only in case`},
		{name: "escaped_key_twice", in: `{"id":1,"\u0069d":2}`, want: `key "id" appears twice`},
		{name: "kelvin_sign", in: `{"label":"a","\u212aey":1}`},
		{name: "long_s", in: `{"tagſ":["a"]}`, want: `key "tagſ" differs from the field "tags" only in case`},
		{name: "long_s_variant", in: `{"label":"ok","ſkipped":1,"ſ":2,"taſ":3}`},
		{name: "hostile_key_quoted", in: "{\"i\\u0044\":1}", want: `key "iD" differs`},
		{name: "control_characters_in_key", in: `{"a\nb":1,"a\nb":2}`, want: `key "a\nb" appears twice`},
		{name: "not_an_object", in: `[1]`, want: `it is an array, not an object`},
		{name: "number", in: `5`, want: `it is a number, not an object`},
		{name: "null", in: `null`, want: `it is null, not an object`},
		{name: "wrong_kind_for_optional", in: `{"label":5}`, want: `cannot decode field "label": it is a number, want a string`},
		{name: "wrong_kind_for_nested", in: `{"one":"a"}`, want: `cannot decode field "one": it is a string, want an object`},
		{name: "integer_too_big", in: `{"id":99999999999999999999}`, want: `cannot decode field "id"`},
		{name: "time_not_a_time", in: `{"when":"yesterday"}`, want: `cannot decode field "when"`},
		{name: "wrong_kind_in_map", in: `{"meta":{"k":5}}`, want: `cannot decode field "meta": it is a number, want a string`},
		{name: "wrong_kind_in_map_empty_key", in: `{"meta":{"":5}}`, want: `cannot decode field "meta": it is a number, want a string`},
		{name: "wrong_kind_in_array_element", in: `{"many":[{"name":"a"},{"name":5}]}`, want: `many[1]: cannot decode field "name": it is a number, want a string`},
		{name: "invalid_utf8", in: "{\"label\":\"\xff\"}", want: `not JSON`},
		{name: "truncated", in: `{"id":1`, want: `not JSON`},
		{name: "trailing_garbage", in: `{"id":1}x`, want: `not JSON`},
		{name: "empty", in: ``, want: `not JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var v strictOuter
			err := decodeStrict([]byte(tt.in), &v, tt.required...)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("decodeStrict(%s) error = %v", tt.in, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("decodeStrict(%s) error = %v, want one saying %q", tt.in, err, tt.want)
			}
		})
	}
}

// TestDecodeStrict_decodes checks that what passes is decoded as
// encoding/json decodes it.
func TestDecodeStrict_decodes(t *testing.T) {
	t.Parallel()

	in := []byte(`{"hidden":1,"Skipped":"x","region":"eu","id":7,"one":{"name":"a"},"many":[{"name":"b"}],"next":{"id":8},"when":"2026-11-01T09:00:00Z"}`)
	var got, want strictOuter
	if err := decodeStrict(in, &got); err != nil {
		t.Fatalf("decodeStrict() error = %v", err)
	}
	if got.hidden != 0 || got.Skipped != "" {
		t.Errorf("decodeStrict() set an unexported or skipped field: %+v", got)
	}
	if err := json.Unmarshal(in, &want); err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got, json.Deterministic(true))
	wantJSON, _ := json.Marshal(want, json.Deterministic(true))
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("decodeStrict() = %s, want %s", gotJSON, wantJSON)
	}
}

// FuzzDecodeStrict checks decodeStrict against v2's own decoding and a
// reference check written on encoding/json's tokens, on any input: it
// never panics, and it accepts a document exactly when json.Unmarshal (v2)
// reads it and no object in it repeats a key, nor, in an object that
// decodes into a struct, spells a field's name in another case.
func FuzzDecodeStrict(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"id":1,"one":{"name":"a"},"many":[{"name":"b"}]}`, `{"id":1,"ID":2}`, `{"id":1,"id":1}`,
		`{"one":{"name":"a","Name":"b"}}`, `{"ſ":1,"\u212a":2}`, `{"next":{"next":{"id":1}}}`, `[{"a":1}]`, `{"a":"\"}"}`,
		`{"many":{"name":1},"ptrs":[{"name":"a"},3],"meta":{"a":1,"a":2}}`, `{"raw":{"x":[{"y":1,"y":2}]}}`,
		`{"many":[{"NAME":"b"}],"meta":{"A":{"B":1}}}`, `{"loop":1,"LOOP":2}`, `{"id":1.5}`, "{\"label\":\"\xff\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v strictOuter
		strictErr := decodeStrict(in, &v)
		v2Err := json.Unmarshal(in, new(strictOuter))
		var refErr error
		if encjson.Valid(in) {
			refErr = referenceCheck(in, reflect.TypeFor[strictOuter]())
		}
		switch {
		case strictErr == nil && v2Err != nil:
			t.Fatalf("decodeStrict(%q) = nil, json.Unmarshal error = %v", in, v2Err)
		case strictErr == nil && refErr != nil:
			t.Fatalf("decodeStrict(%q) = nil, but %v", in, refErr)
		case strictErr != nil && v2Err == nil && refErr == nil:
			t.Fatalf("decodeStrict(%q) error = %v, but json.Unmarshal and the reference check accept it", in, strictErr)
		}
	})
}

// referenceCheck reads the value raw (well-formed) with encoding/json's
// tokens and finds a repeated key in any object, or a case variant of a
// field's name in an object that decodes into a struct: raw decodes into
// t.
func referenceCheck(raw []byte, t reflect.Type) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil
	}
	switch trimmed[0] {
	case '[':
		var elems []encjson.RawMessage
		if err := encjson.Unmarshal(raw, &elems); err != nil {
			return err
		}
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for _, e := range elems {
			if err := referenceCheck(e, elem); err != nil {
				return err
			}
		}
		return nil
	case '{':
	default:
		return nil
	}
	dec := encjson.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return err
	}
	var fs *fields
	if t != nil && t.Kind() == reflect.Struct && !fieldsOf(t).whole {
		fs = fieldsOf(t)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var value encjson.RawMessage
		if err := dec.Decode(&value); err != nil {
			return err
		}
		if seen[key] {
			return errors.New("repeated key " + key)
		}
		seen[key] = true
		var inner reflect.Type
		switch {
		case fs != nil:
			i := slices.IndexFunc(fs.list, func(f *field) bool { return f.name == key })
			if i < 0 {
				for _, f := range fs.list {
					if strings.EqualFold(f.name, key) {
						return errors.New("case variant " + key)
					}
				}
				break
			}
			inner = fs.list[i].t
		case t != nil && t.Kind() == reflect.Map:
			inner = t.Elem()
		}
		if err := referenceCheck(value, inner); err != nil {
			return err
		}
	}
	return nil
}

// fastProbe has a field of many kinds, to hold the page's decoding of
// items to decodeStrict.
type fastProbe struct {
	Name     string             `json:"name"`
	Small    int8               `json:"small"`
	Count    int                `json:"count"`
	Flag     bool               `json:"flag"`
	PName    *string            `json:"p_name"`
	PCount   *int               `json:"p_count"`
	PPName   **string           `json:"pp_name"`
	When     time.Time          `json:"when"`
	PWhen    *time.Time         `json:"p_when"`
	Nested   fastInner          `json:"nested"`
	PNested  *fastInner         `json:"p_nested"`
	Ratio    float64            `json:"ratio"`
	Unsigned uint               `json:"unsigned"`
	Tags     []string           `json:"tags"`
	Items    []fastInner        `json:"items"`
	Meta     map[string]int     `json:"meta"`
	Any      any                `json:"any"`
	Raw      jsontext.Value     `json:"raw"`
	Old      encjson.RawMessage `json:"old"`
	Nulled   nullCounter        `json:"nulled"`
	Text     textOnly           `json:"text"`
}

type fastInner struct {
	Label string     `json:"label"`
	Depth int        `json:"depth"`
	Inner *fastInner `json:"inner"`
}

// nullCounter is an Unmarshaler that notes a null.
type nullCounter struct{ Nulls int }

func (n *nullCounter) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		n.Nulls++
		return nil
	}
	if bytes.Contains(b, []byte("bad")) {
		return errors.New("bad value")
	}
	n.Nulls = -len(b)
	return nil
}

// textOnly decodes from a string through UnmarshalText only.
type textOnly struct{ S string }

func (t *textOnly) UnmarshalText(b []byte) error { t.S = strings.ToUpper(string(b)); return nil }

// embeds promotes fields from an embedded struct.
type embeds struct {
	fastInner
	Name string `json:"name"`
}

// FuzzDecodeItem holds the decoding of items inside a page (decodePage,
// in the one read of the page) to decodeStrict of the item alone: for any
// well-formed JSON, the same value and the same error, for a deploy
// request (with its required fields), a probe of many field kinds, a
// struct with promoted fields, one with maps and types that decode
// themselves, such a type as the item, and a type that keeps its raw JSON.
func FuzzDecodeItem(f *testing.F) {
	for _, seed := range []string{
		`{"id":"dr1","number":3,"branch":"b","into_branch":"main","approved":true,"state":"open","deployment_state":"ready","deployment":{"state":"ready","deployable":true,"lint_errors":[]},"notes":null,"created_at":"2026-11-01T09:00:00.000Z","closed_at":null,"actor":{"id":"x"}}`,
		`{"number":1,"branch":"caf\u00e9","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","deployment":null}`,
		`{"number":1,"branch":"café","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","deployed_at":"2026-11-01T09:00:00Z"}`,
		`{"number":1.5,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready"}`,
		`{"number":99999999999999999999,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready"}`,
		`{"number":1,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","created_at":"yesterday"}`,
		`{"number":1,"branch":"b","into_branch":"main","approved":false,"state":"open","deployment_state":"ready","notes":5,"deployment":"x"}`,
		`{"approved":false,"number":2,"approved":true}`, `{"deployment":{"Deployable":true},"number":4}`,
		`{"name":"a","small":300,"count":-0,"flag":false,"p_name":"p","p_count":null,"pp_name":"q","when":null,"p_when":"2026-01-02T03:04:05Z"}`,
		`{"nested":{"label":"l","depth":2,"inner":{"label":"m"}},"p_nested":{"inner":null},"ratio":1e3,"unsigned":7}`,
		`{"tags":["a"],"items":[{"label":"x"},{"LABEL":"y"}],"meta":{"a":1},"any":{"b":[1]},"raw":[1,2],"old":{"a":1},"nulled":null,"text":"abc"}`,
		`{"nulled":"bad","name":"x\"y","Label":1}`,
		`{"label":"a","name":"n","depth":1}`, `{"name":"org","id":"x","created_at":"2026-01-02T03:04:05Z","Plan":"x"}`,
		`{"meta":{"":[]},"deep":{"0":[{"label":1}]},"self":"bad","selfs":{"":"bad"}}`, `{"v":"bad"}`,
		`[1]`, `"x"`, `null`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	required := deployRequestList.Required
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !encjson.Valid(raw) {
			return // an item is part of a page Client.get found well-formed
		}
		sameAsStrict[DeployRequest](t, raw, required...)
		sameAsStrict[fastProbe](t, raw)
		sameAsStrict[embeds](t, raw)
		sameAsStrict[mapped](t, raw)
		sameAsStrict[selfDecoding](t, raw)
		sameAsStrict[Organization](t, raw, "name")
		sameAsStrict[WithRaw[DeployRequest]](t, raw, required...)
		sameAsValue(t, raw, required...)
	})
}

// sameAsValue decodes raw strictly into a DeployRequest and into a
// WithRaw[DeployRequest], and fails unless both give the same value and the
// same error, and the wrapper keeps raw as sent.
func sameAsValue(t *testing.T, raw []byte, required ...string) {
	t.Helper()
	var plain DeployRequest
	var kept WithRaw[DeployRequest]
	errPlain, errKept := decodeStrict(raw, &plain, required...), decodeStrict(raw, &kept, required...)
	switch {
	case errText(errKept) != errText(errPlain):
		t.Fatalf("from %s: WithRaw error = %v, DeployRequest error = %v", raw, errKept, errPlain)
	case !reflect.DeepEqual(kept.Value, plain):
		t.Fatalf("from %s:\nWithRaw.Value = %+v\nDeployRequest = %+v", raw, kept.Value, plain)
	case errKept == nil && !bytes.Equal(kept.Raw, raw):
		t.Fatalf("from %s: Raw = %s, want the object as sent", raw, kept.Raw)
	}
}

// TestWithRaw_decodesAsItsValue checks that a WithRaw[DeployRequest] is
// decoded under the rules of a DeployRequest alone (required fields, keys
// in another case or twice, at the top and nested), alone and as an item
// of a page, and keeps the object as sent.
func TestWithRaw_decodesAsItsValue(t *testing.T) {
	t.Parallel()

	const whole = `"number":2,"branch":"b","into_branch":"main","approved":true,"state":"open","deployment_state":"ready"`
	tests := []struct {
		name string
		in   string
		want string // the error, "" for none
	}{
		{name: "as_sent", in: `{` + whole + `,"deployment":{"state":"ready","deployable":true},"actor":{"id":"x"}}`},
		{name: "required_missing", in: `{"number":2,"branch":"b"}`, want: `field "into_branch" is missing`},
		{name: "required_null", in: `{` + strings.Replace(whole, `true`, `null`, 1) + `}`, want: `field "approved" is null`},
		{name: "required_wrong_kind", in: `{` + strings.Replace(whole, `2`, `"2"`, 1) + `}`, want: `field "number" is a string, want an integer`},
		{name: "key_in_another_case", in: `{` + whole + `,"APPROVED":false}`, want: `key "APPROVED" differs from the field "approved" only in case`},
		{name: "key_twice", in: `{` + whole + `,"approved":false}`, want: `key "approved" appears twice`},
		{name: "nested_in_another_case", in: `{` + whole + `,"deployment":{"Deployable":true}}`, want: `deployment: key "Deployable" differs from the field "deployable" only in case`},
		{name: "value_as_a_key", in: `{` + whole + `,"Value":{"number":3}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var kept WithRaw[DeployRequest]
			err := decodeStrict([]byte(tt.in), &kept, deployRequestList.Required...)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("decodeStrict(%s) error = %v", tt.in, err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Fatalf("decodeStrict(%s) error = %v, want %q", tt.in, err, tt.want)
			case tt.want == "" && (kept.Value.Number != 2 || !kept.Value.Approved || string(kept.Raw) != tt.in):
				t.Errorf("decodeStrict(%s) = %+v, want #2 approved, Raw as sent", tt.in, kept)
			}
			sameAsValue(t, []byte(tt.in), deployRequestList.Required...)
			sameAsStrict[WithRaw[DeployRequest]](t, []byte(tt.in), deployRequestList.Required...)
		})
	}
}

// sameAsStrict decodes raw into a T as the one item of a page and with
// decodeStrict, and fails unless both give the same value and the same
// error.
func sameAsStrict[T any](t *testing.T, raw []byte, required ...string) {
	t.Helper()
	page := []byte(`{"next_page":null,"data":[` + string(raw) + `]}`)
	var strict T
	errStrict := decodeStrict(raw, &strict, required...)
	env, errPage := decodePage[T](page, required)
	items := env.Data
	var failed *itemFailure
	switch {
	case errors.As(errPage, &failed):
		errPage = failed.err
		if len(items) != 1 {
			t.Fatalf("%T from %s: the lenient read of the page gave %d items", strict, raw, len(items))
		}
	case errPage == nil && len(items) != 1:
		t.Fatalf("%T from %s: the page gave %d items", strict, raw, len(items))
	}
	if errText(errPage) != errText(errStrict) {
		t.Fatalf("%T from %s: page item error = %v, decodeStrict error = %v", strict, raw, errPage, errStrict)
	}
	if len(items) == 1 && !reflect.DeepEqual(items[0], strict) {
		t.Fatalf("%T from %s:\npage item    = %+v\ndecodeStrict = %+v", strict, raw, items[0], strict)
	}
}

// selfDecoding decodes itself, keeping its JSON, and refuses JSON that
// says "bad" with a plain error.
type selfDecoding struct{ S string }

func (s *selfDecoding) UnmarshalJSON(b []byte) error {
	if bytes.Contains(b, []byte("bad")) {
		return errors.New("bad value")
	}
	s.S = string(b)
	return nil
}

// mapped holds a map, whose keys are no fields, and an item that decodes
// itself.
type mapped struct {
	Meta  map[string]int          `json:"meta"`
	Deep  map[string][]fastInner  `json:"deep"`
	Self  selfDecoding            `json:"self"`
	Selfs map[string]selfDecoding `json:"selfs"`
}

// TestDecodePage_itemErrorInItem checks that a value an item cannot decode
// is placed and worded from the item, as decodeStrict words it (a map's
// key is no field, whatever it is, "" included), and that the page names
// the item: an *itemFailure with its index.
func TestDecodePage_itemErrorInItem(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "map_value", in: `{"meta":{"k":[]}}`, want: `cannot decode field "meta": it is an array, want an integer`},
		{name: "map_value_empty_key", in: `{"meta":{"":[]}}`, want: `cannot decode field "meta": it is an array, want an integer`},
		{name: "map_value_index_key", in: `{"meta":{"0":[]}}`, want: `cannot decode field "meta": it is an array, want an integer`},
		{name: "struct_in_map", in: `{"deep":{"":[{"label":1}]}}`, want: `deep: ""[0]: cannot decode field "label": it is a number, want a string`},
		{name: "self_decoding_field", in: `{"self":"bad"}`, want: `cannot decode field "self": it is a string, want planetscale.selfDecoding (bad value)`},
		{name: "self_decoding_in_map", in: `{"selfs":{"":"bad"}}`, want: `cannot decode field "selfs": it is a string, want planetscale.selfDecoding (bad value)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var alone mapped
			if err := decodeStrict([]byte(tt.in), &alone); err == nil || err.Error() != tt.want {
				t.Errorf("decodeStrict(%s) error = %v, want %q", tt.in, err, tt.want)
			}
			_, err := decodePage[mapped]([]byte(`{"next_page":null,"data":[{},`+tt.in+`]}`), nil)
			var failed *itemFailure
			if !errors.As(err, &failed) || failed.index != 1 || failed.err.Error() != tt.want {
				t.Errorf("decodePage(item 2 %s) error = %#v, want an *itemFailure for index 1 saying %q", tt.in, err, tt.want)
			}
			sameAsStrict[mapped](t, []byte(tt.in))
		})
	}

	// An item that decodes itself and refuses the object has no field to
	// name: placed at the item.
	t.Run("self_decoding_item", func(t *testing.T) {
		t.Parallel()

		const in, want = `{"v":"bad"}`, `cannot decode: it is an object, want planetscale.selfDecoding (bad value)`
		var alone selfDecoding
		if err := decodeStrict([]byte(in), &alone); err == nil || err.Error() != want {
			t.Errorf("decodeStrict(%s) error = %v, want %q", in, err, want)
		}
		_, err := decodePage[selfDecoding]([]byte(`{"next_page":null,"data":[{},`+in+`]}`), nil)
		var failed *itemFailure
		if !errors.As(err, &failed) || failed.index != 1 || failed.err.Error() != want {
			t.Errorf("decodePage(item 2 %s) error = %#v, want an *itemFailure for index 1 saying %q", in, err, want)
		}
		sameAsStrict[selfDecoding](t, []byte(in))
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestDecodeStrict_tagOptions checks that v2 applies the options of a
// field's tag, as it does on its own.
func TestDecodeStrict_tagOptions(t *testing.T) {
	t.Parallel()

	var v struct {
		Count int `json:"count,string"`
	}
	if err := decodeStrict([]byte(`{"count":"1"}`), &v); err != nil || v.Count != 1 {
		t.Errorf("decodeStrict() = %+v, %v; want Count 1", v, err)
	}
}

// TestDecodeStrict_typesThatKeepRaw checks the types that keep their JSON
// (their own UnmarshalJSON): the same rules hold, nested objects included,
// and Raw is the object as sent.
func TestDecodeStrict_typesThatKeepRaw(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string // the error, "" for none
	}{
		{name: "database", in: `{"name":"shop","region":{"slug":"us-east"},"future":{"x":1}}`},
		{name: "nested_in_another_case", in: `{"name":"shop","region":{"Slug":"us-east"}}`, want: `region: key "Slug" differs from the field "slug" only in case`},
		{name: "embedded_in_another_case", in: `{"Name":"shop"}`, want: `key "Name" differs from the field "name" only in case`},
		{name: "required_missing", in: `{"id":"x"}`, want: `field "name" is missing`},
		{name: "required_null", in: `{"name":null}`, want: `field "name" is null`},
		{name: "key_twice_nested", in: `{"name":"shop","region":{"slug":"a","slug":"b"}}`, want: `region: key "slug" appears twice`},
		{name: "wrong_kind", in: `{"name":"shop","require_approval_for_deploy":"yes"}`, want: `cannot decode field "require_approval_for_deploy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var db Database
			err := decodeStrict([]byte(tt.in), &db, "name")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("decodeStrict(%s) error = %v", tt.in, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("decodeStrict(%s) error = %v, want one saying %q", tt.in, err, tt.want)
			case tt.want == "" && (string(db.Raw) != tt.in || db.Name != "shop" || db.Region.Slug != "us-east"):
				t.Errorf("decodeStrict(%s) = %+v", tt.in, db)
			}
		})
	}
}
