package planetscale

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Strict decoding of the API's JSON. github.com/go-json-experiment/json
// (encoding/json/v2) decodes every value with its defaults: names match
// case-sensitively, unknown names are ignored, a null leaves the zero value,
// a wrong kind or a number with a fraction for an integer is an error. One
// read of the text with jsontext before it (the checker) refuses what v2
// does not: a name twice in any object and invalid UTF-8 (jsontext's
// defaults, so that v2 need not look again), a key that differs from a
// field's JSON name only in case (v2 would drop it as unknown) in every
// object that decodes into a struct, and a required field of the top-level
// object (or of each item of a page) that is missing or null; v2's error
// for a required field of the wrong kind is worded as the checker's. The
// checker hands v2 the text less the members v2 would ignore (an item of
// the API has about 60, the gate knows 18), so that v2 reads each once.

// lenient is how v2 decodes text the checker has read: nothing to look for
// again.
var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// decodeStrict decodes the JSON document raw into v, a pointer to a struct,
// with the rules above; required are top-level JSON names of v's fields.
// When it fails, v is decoded as far as it goes (a key given twice keeps
// its last value), so that an error can name the item.
func decodeStrict(raw []byte, v any, required ...string) error {
	err := decode(raw, v, required, 1)
	if err != nil {
		decodeLenient(raw, v)
	}
	return err
}

// decode checks raw, then has v2 decode it into v; required applies to the
// objects at depth (1: the top-level object).
func decode(raw []byte, v any, required []string, depth int) error {
	// From a bytes.Buffer, jsontext reads raw in place, without a copy.
	c := &checker{dec: jsontext.NewDecoder(bytes.NewBuffer(raw)), raw: raw, out: make([]byte, 0, len(raw)/4), required: required, depth: depth, root: reflect.TypeOf(v).Elem()}
	err := c.object(c.root)
	if err == nil {
		if _, err = c.dec.ReadToken(); err == nil {
			return &decodeError{msg: "not JSON: more than one value"}
		} else if err == io.EOF {
			err = json.Unmarshal(c.out, v, lenient)
		}
	}
	if err != nil {
		return c.describe(err)
	}
	return nil
}

// decodeLenient decodes raw into v, zeroed first, as far as it goes: v2
// goes on past a value it cannot decode (v1's error semantics).
func decodeLenient(raw []byte, v any) {
	reflect.ValueOf(v).Elem().SetZero()
	_ = json.Unmarshal(raw, v, lenient, jsonv1.ReportErrorsWithLegacySemantics(true))
}

// checker reads a document once, checking what v2 does not (see above),
// and writes to out what v2 is to decode.
type checker struct {
	dec      *jsontext.Decoder
	raw, out []byte
	required []string
	depth    int
	root     reflect.Type // what the document decodes into
}

// object checks the next value, which must be an object, for the struct
// type t.
func (c *checker) object(t reflect.Type) error {
	if k := c.dec.PeekKind(); k != '{' {
		if _, err := c.dec.ReadValue(); err != nil {
			return err
		}
		return &decodeError{at: c.dec.StackPointer(), msg: "it is " + kindName(k) + ", not an object"}
	}
	if _, err := c.dec.ReadToken(); err != nil {
		return err
	}
	start, out := c.dec.InputOffset()-1, c.out // at the '{'
	fs, top := fieldsOf(t), c.dec.StackDepth() == c.depth
	c.out = append(c.out, '{')
	var found uint64 // bit i: required[i] was present
	for c.dec.PeekKind() == '"' {
		quoted, err := c.dec.ReadValue()
		if err != nil {
			return err
		}
		name := quoted[1 : len(quoted)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			name, _ = jsontext.AppendUnquote(nil, quoted)
		}
		f, variant := fs.lookup(name)
		if variant != "" {
			msg := fmt.Sprintf("key %s differs from the field %q only in case", quoteText(string(name)), variant)
			return &decodeError{at: c.dec.StackPointer().Parent(), msg: msg}
		}
		if f == nil { // v2 would ignore it
			if _, err := c.dec.ReadValue(); err != nil {
				return err
			}
			continue
		}
		if c.out[len(c.out)-1] != '{' {
			c.out = append(c.out, ',')
		}
		c.out = append(append(c.out, quoted...), ':')
		if i := slices.Index(c.required, f.name); i >= 0 && top {
			found |= 1 << i
			if c.dec.PeekKind() == 'n' {
				return &decodeError{at: c.dec.StackPointer().Parent(), msg: fmt.Sprintf("field %q is null", f.name)}
			}
		}
		if err := c.value(f.t); err != nil {
			return err
		}
	}
	if _, err := c.dec.ReadToken(); err != nil { // the '}'
		return err
	}
	for i, r := range c.required {
		if top && found&(1<<i) == 0 {
			return &decodeError{at: c.dec.StackPointer(), msg: fmt.Sprintf("field %q is missing", r)}
		}
	}
	c.out = append(c.out, '}')
	if fs.whole { // v2 decodes it from the object as sent
		c.out = append(out, c.raw[start:c.dec.InputOffset()]...)
	}
	return nil
}

// value checks the next value, which decodes into t, and copies it to out:
// objects that decode into structs, at any depth, member by member.
func (c *checker) value(t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	kind, k := t.Kind(), jsontext.Kind(0)
	if kind == reflect.Struct || kind == reflect.Slice || kind == reflect.Array || kind == reflect.Map {
		k = c.dec.PeekKind() // other values are copied as they are
	}
	switch {
	case kind == reflect.Struct && (k == '{' && !fieldsOf(t).whole || c.dec.StackDepth()+1 == c.depth):
		return c.object(t) // an item of a page must be an object, checked even if its type decodes itself
	case k == '[' && (kind == reflect.Array || kind == reflect.Slice && t.Elem().Kind() != reflect.Uint8),
		k == '{' && kind == reflect.Map:
		if _, err := c.dec.ReadToken(); err != nil {
			return err
		}
		c.out = append(c.out, byte(k))
		for c.dec.PeekKind() != k+2 { // ']' or '}'
			if c.out[len(c.out)-1] != byte(k) {
				c.out = append(c.out, ',')
			}
			if kind == reflect.Map {
				key, err := c.dec.ReadValue()
				if err != nil {
					return err
				}
				c.out = append(append(c.out, key...), ':')
			}
			if err := c.value(t.Elem()); err != nil {
				return err
			}
		}
		_, err := c.dec.ReadToken()
		c.out = append(c.out, byte(k)+2)
		return err
	}
	v, err := c.dec.ReadValue()
	c.out = append(c.out, v...)
	return err
}

// fields is what the checker knows of a struct type: its fields by JSON
// name, as v2 names them (the tag's name, else the Go name; an embedded
// struct without a name, or a struct field tagged inline, gives its fields,
// the shallower of two alike wins).
type fields struct {
	list  []*field
	ascii bool // every name is ASCII, so that a name in another case is as long
	// whole is set when v2 is to decode the object as sent: the type
	// decodes itself (UnmarshalJSON and the like) or takes members the
	// checker cannot name (an inlined map or raw value, unknown).
	whole bool
}

type field struct {
	name string
	t    reflect.Type
}

var fieldCache sync.Map // reflect.Type → *fields

func fieldsOf(t reflect.Type) *fields {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fields)
	}
	p := reflect.PointerTo(t)
	fs := &fields{ascii: true, whole: p.Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		p.Implements(reflect.TypeFor[json.UnmarshalerFrom]()) || p.Implements(reflect.TypeFor[interface{ UnmarshalText([]byte) error }]())}
	visited := map[reflect.Type]bool{t: true}
	for queue := []reflect.Type{t}; len(queue) > 0; queue = queue[1:] { // breadth first
		for sf := range queue[0].Fields() {
			tag := sf.Tag.Get("json")
			tagName, opts, _ := strings.Cut(tag, ",")
			name := cmp.Or(tagName, sf.Name)
			ft := sf.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch inlined := sf.Anonymous && tagName == "" || strings.Contains(opts, "inline"); {
			case tag == "-" || inlined && visited[ft]:
			case inlined && ft.Kind() == reflect.Struct:
				visited[ft] = true
				queue = append(queue, ft)
			case inlined || strings.Contains(opts, "unknown"):
				fs.whole = true
			case sf.IsExported() && !slices.ContainsFunc(fs.list, func(f *field) bool { return f.name == name }):
				fs.list = append(fs.list, &field{name: name, t: sf.Type})
				fs.ascii = fs.ascii && isASCII([]byte(name))
			}
		}
	}
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*fields)
}

// lookup finds key's field, or else the name of a field key matches only
// without regard to case (strings.EqualFold).
func (fs *fields) lookup(key []byte) (f *field, variant string) {
	ascii := fs.ascii && isASCII(key)
	for _, f := range fs.list {
		switch {
		case len(f.name) != len(key) && ascii: // most keys
		case f.name == string(key):
			return f, ""
		case variant == "" && strings.EqualFold(f.name, string(key)):
			variant = f.name
		}
	}
	return nil, variant
}

// wantText says what JSON a Go type takes, for messages.
func wantText(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a value"
	}
	switch k := t.Kind(); {
	case k >= reflect.Int && k <= reflect.Uintptr:
		return "an integer"
	case k == reflect.Float32 || k == reflect.Float64:
		return "a number"
	case k == reflect.String:
		return "a string"
	case k == reflect.Bool:
		return "true or false"
	case k == reflect.Map || k == reflect.Struct && !fieldsOf(t).whole:
		return "an object"
	case k == reflect.Array || k == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		return "an array"
	}
	return t.String() // a type that decodes itself, or a raw value
}
