package planetscale

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
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
	Raw      json.RawMessage   `json:"raw"`
	Next     *strictOuter      `json:"next"`
	Count    int               `json:"count,string"`
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
		{name: "all_fields", in: `{"region":"eu","id":1,"label":"x","ratio":0.5,"Untagged":true,"one":{"name":"a"},"many":[{"name":"b"},null],"ptrs":[null,{"name":"c"}],"tags":["A","a"],"meta":{"k":"v","K":"w"},"when":"2026-11-01T09:00:00Z","raw":{"id":1,"id":2},"next":{"id":2,"next":null}}`},
		{name: "space_everywhere", in: " {\n\t\"id\" : 1 ,\r\n \"one\" : { \"name\" : \"a\" } , \"many\" : [ ] } "},
		{name: "embedded_loop", in: `{"loop":1}`},
		{name: "embedded_loop_in_another_case", in: `{"LOOP":1}`, want: `key "LOOP" differs from the field "loop" only in case`},
		{name: "quoted_integer", in: `{"count":"12"}`, required: []string{"count"}},
		{name: "quoted_integer_unquoted", in: `{"count":12}`, required: []string{"count"}, want: `field "count" is a number, want a string`},
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
		{name: "wrong_kind_for_optional", in: `{"label":5}`, want: `cannot decode`},
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

	in := []byte(`{"region":"eu","id":7,"one":{"name":"a"},"many":[{"name":"b"}],"next":{"id":8},"when":"2026-11-01T09:00:00Z"}`)
	var got, want strictOuter
	if err := decodeStrict(in, &got); err != nil {
		t.Fatalf("decodeStrict() error = %v", err)
	}
	if err := json.Unmarshal(in, &want); err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("decodeStrict() = %s, want %s", gotJSON, wantJSON)
	}
}

func TestSplitArray(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in   string
		want []string // nil: an error
	}{
		{in: `[]`, want: []string{}},
		{in: ` [ ] `, want: []string{}},
		{in: `[1, "a,]", {"b":[1,{"c":"]}"}]}, null ,true]`, want: []string{`1`, `"a,]"`, `{"b":[1,{"c":"]}"}]}`, `null`, `true`}},
		{in: `["\"]",-1.5e3]`, want: []string{`"\"]"`, `-1.5e3`}},
		{in: `[1,]`},
		{in: `[1 2]`},
		{in: `[1`},
		{in: `["a]`},
		{in: `[{]`},
		{in: `{}`},
		{in: `[] x`},
		{in: ``},
	}
	for _, tt := range tests {
		got, err := splitArray([]byte(tt.in))
		if tt.want == nil {
			if err == nil {
				t.Errorf("splitArray(%s) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("splitArray(%s) error = %v", tt.in, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("splitArray(%s) = %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if string(got[i]) != tt.want[i] {
				t.Errorf("splitArray(%s)[%d] = %s, want %s", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}

// FuzzDecodeStrict checks decodeStrict against encoding/json's own
// decoder on any input: it never panics, and it accepts an object only
// when encoding/json reads it and no object in it that decodes into a
// struct repeats a key or spells a field's name in another case.
func FuzzDecodeStrict(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"id":1,"one":{"name":"a"},"many":[{"name":"b"}]}`, `{"id":1,"ID":2}`, `{"id":1,"id":1}`,
		`{"one":{"name":"a","Name":"b"}}`, `{"ſ":1,"\u212a":2}`, `{"next":{"next":{"id":1}}}`, `[{"a":1}]`, `{"a":"\"}"}`,
		`{"many":{"name":1},"ptrs":[{"name":"a"},3],"meta":{"a":1,"a":2}}`,
	} {
		f.Add([]byte(seed))
	}
	outer := fieldsOf(reflect.TypeFor[strictOuter]())
	f.Fuzz(func(t *testing.T, in []byte) {
		var v strictOuter
		if err := decodeStrict(in, &v); err != nil {
			return
		}
		if err := json.Unmarshal(in, new(strictOuter)); err != nil {
			t.Fatalf("decodeStrict(%q) = nil, json.Unmarshal error = %v", in, err)
		}
		if problem := referenceCheck(in, outer); problem != nil {
			t.Fatalf("decodeStrict(%q) = nil, but %v", in, problem)
		}
	})
}

// referenceCheck reads the value raw with encoding/json and finds a
// repeated key or a case variant in any object it holds that decodes into
// a struct: sf, when raw is such an object.
func referenceCheck(raw []byte, sf *structFields) error {
	if sf == nil || bytes.TrimSpace(raw)[0] != '{' {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return err
		}
		if seen[key] {
			return errors.New("repeated key " + key)
		}
		seen[key] = true
		info, known := sf.byName[key]
		if !known {
			for _, name := range sf.names {
				if strings.EqualFold(name, key) {
					return errors.New("case variant " + key)
				}
			}
			continue
		}
		if err := referenceField(value, info); err != nil {
			return err
		}
	}
	return nil
}

// referenceField checks a known field's value.
func referenceField(value json.RawMessage, info fieldInfo) error {
	if !info.list {
		return referenceCheck(value, info.inner)
	}
	var elems []json.RawMessage
	if json.Unmarshal(value, &elems) != nil {
		return nil // null, or not an array: nothing decodes into the struct
	}
	for _, e := range elems {
		if err := referenceCheck(e, info.inner); err != nil {
			return err
		}
	}
	return nil
}
