package planetscale

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Strict decoding of the API's JSON, on github.com/go-json-experiment/json
// (encoding/json/v2). jsontext reads the text and refuses a name twice in
// any object at any depth and invalid UTF-8; json decodes each value. What
// v2 does not do itself is done here, object by object, for every object
// that decodes into a struct: a key that differs from a field's name only
// in case is refused (v2 matches names case-sensitively, so it would
// otherwise drop such a key as unknown), and the required fields of the
// top-level object must be present, not null and of their field's JSON kind
// (integers without a fraction or an exponent). Unknown keys are ignored and
// nulls leave a field at its zero value, as v2 does.

// decodeError is a problem the strict decoder found; its text names the
// place ("deployment: key …"), quoting outside text.
type decodeError struct{ msg string }

func (e *decodeError) Error() string { return e.msg }

func problemf(format string, args ...any) error {
	return &decodeError{msg: fmt.Sprintf(format, args...)}
}

// decodeStrict decodes the JSON document raw into v, a pointer to a struct,
// with the rules above; required are top-level JSON names of v's fields. A
// type whose pointer has its own UnmarshalJSON (a type that keeps its raw
// JSON) decodes itself, after its top-level keys are checked here.
//
// v is decoded as far as it goes even when decodeStrict fails (leniently:
// a key given twice keeps its last value), so that an error can name the
// item. The error text quotes outside text, escaped.
func decodeStrict(raw []byte, v any, required ...string) error {
	dst := reflect.ValueOf(v).Elem()
	err := decodeStrictValue(raw, dst, required)
	if err != nil {
		decodeLenient(raw, dst)
	}
	return err
}

// decodeLenient decodes raw into dst, the zero value set first, as far as
// it goes: how decodeStrict leaves a value it refused.
func decodeLenient(raw []byte, dst reflect.Value) {
	dst.SetZero()
	lenient := newStrictDecoder(raw, true)
	_ = lenient.object(dst, structInfoOf(dst.Type()), nil, "")
}

func decodeStrictValue(raw []byte, dst reflect.Value, required []string) error {
	si := structInfoOf(dst.Type())
	d := newStrictDecoder(raw, false)
	if si.decodesItself {
		// Read it whole (its syntax first, as a page's item is read), check
		// the keys, then let the type decode itself (strictly: see
		// decodeKeepingRaw).
		if _, err := newStrictDecoder(raw, false).dec.ReadValue(); err != nil {
			return d.describe(err, "")
		}
		if err := d.object(reflect.Value{}, si, required, ""); err != nil {
			return err
		}
		if err := d.end(); err != nil {
			return err
		}
		if err := json.Unmarshal(raw, dst.Addr().Interface()); err != nil {
			return d.describe(err, "")
		}
		return nil
	}
	if err := d.object(dst, si, required, ""); err != nil {
		return err
	}
	return d.end()
}

// strictDecoder decodes one JSON document.
type strictDecoder struct {
	dec *jsontext.Decoder
	// base is the depth of the value decoded within the document (2 for
	// an item of a page, at /data/i), for messages from jsontext's pointers.
	base int
	// depth is the pointer depth of the object being read.
	depth int
	// placeFromPointer has the next object take its place in messages
	// from its JSON pointer (in a hook, which has no place passed down).
	placeFromPointer bool
	// lenient decodes what it can and checks nothing but the syntax (a
	// key twice keeps its last value): how a failed item is named.
	lenient bool
}

func newStrictDecoder(raw []byte, lenient bool) *strictDecoder {
	var opts []jsontext.Options
	if lenient {
		opts = append(opts, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	}
	// From a bytes.Buffer, jsontext reads raw in place, without a copy.
	return &strictDecoder{dec: jsontext.NewDecoder(bytes.NewBuffer(raw), opts...), lenient: lenient}
}

// end checks that nothing follows the document.
func (d *strictDecoder) end() error {
	if _, err := d.dec.ReadToken(); err == nil {
		return problemf("not JSON: more than one value")
	} else if !errors.Is(err, io.EOF) {
		return d.describe(err, "")
	}
	return nil
}

// object decodes the object at the decoder into dst, an addressable struct
// of the type si describes, or only checks it when dst is not valid. at is
// where the object sits, for messages ("" at the top, "deployment: " and so
// on). On error the decoder is left where it failed.
func (d *strictDecoder) object(dst reflect.Value, si *structInfo, required []string, at string) error {
	if si.err != nil {
		return si.err
	}
	if k := d.dec.PeekKind(); k != '{' {
		if k == 0 { // not JSON: the read says why
			_, err := d.dec.ReadValue()
			return d.describe(err, at)
		}
		return problemf("%sit is %s, not an object", at, kindName(k))
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.describe(err, at)
	}
	defer func(depth int) { d.depth = depth }(d.depth)
	d.depth = d.dec.StackDepth() - 1
	if d.placeFromPointer {
		d.placeFromPointer = false
		at = pointerPlace(d.dec.StackPointer(), d.base)
	}
	var found uint64 // bit i: required[i] was present
	for d.dec.PeekKind() != '}' {
		name, err := d.name()
		if err != nil {
			return d.describe(err, at)
		}
		f, variant := si.field(name)
		if f == nil {
			if variant != "" && !d.lenient {
				return problemf("%skey %s differs from the field %q only in case", at, quoteText(string(name)), variant)
			}
			if err := d.skip(); err != nil {
				return d.describe(err, at)
			}
			continue
		}
		for j, r := range required {
			if r == f.name {
				found |= 1 << j
				if err := d.checkRequired(f, at); err != nil {
					return err
				}
			}
		}
		if err := d.field(dst, f, at); err != nil {
			return err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil { // the '}'
		return d.describe(err, at)
	}
	for j, r := range required {
		if found&(1<<j) == 0 && !d.lenient {
			return problemf("%sfield %q is missing", at, r)
		}
	}
	return nil
}

// name reads an object key, unquoted: a slice of the input when it holds
// no escape.
func (d *strictDecoder) name() ([]byte, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1], nil
	}
	return jsontext.AppendUnquote(nil, v)
}

// skip reads a value and drops it (a whole value in one read: faster than
// jsontext's SkipValue, which reads an object token by token).
func (d *strictDecoder) skip() error {
	_, err := d.dec.ReadValue()
	return err
}

// checkRequired checks the value of a required field before it is read.
func (d *strictDecoder) checkRequired(f *fieldInfo, at string) error {
	if d.lenient {
		return nil
	}
	switch k := d.dec.PeekKind(); {
	case k == 'n':
		return problemf("%sfield %q is null", at, f.name)
	case k == 0:
		return nil // the read that follows says what is wrong
	case f.want != 0 && f.want != normalKind(k):
		return problemf("%sfield %q is %s, want %s", at, f.name, kindName(k), f.wantText())
	}
	return nil
}

// field decodes the value of field f into dst (or skips it when dst is
// not valid).
func (d *strictDecoder) field(dst reflect.Value, f *fieldInfo, at string) error {
	if !dst.IsValid() {
		if err := d.skip(); err != nil {
			return d.describe(err, at)
		}
		return nil
	}
	fv := fieldByIndex(dst, f.index)
	k := d.dec.PeekKind()
	switch {
	case f.nested != nil && k == '{':
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				fv.Set(reflect.New(fv.Type().Elem()))
			}
			fv = fv.Elem()
		}
		return d.object(fv, f.nested, nil, at+f.name+": ")
	case f.nested != nil && k == 'n':
		fv.SetZero()
		return d.skip()
	case f.nested != nil && k != 0:
		if d.lenient {
			return d.skip()
		}
		return problemf("%scannot decode field %q: it is %s, want an object", at, f.name, kindName(k))
	case f.integer || d.lenient:
		// Read whole, to tell 2.0 from 2 (v2 refuses both alike) and so
		// that a lenient read goes on past a value it cannot decode.
		raw, err := d.dec.ReadValue()
		if err != nil {
			return d.describe(err, at)
		}
		if d.lenient {
			_ = json.Unmarshal(raw, fv.Addr().Interface(), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
			return nil
		}
		if raw[0] != 'n' && !isInteger(raw) && normalKind(raw.Kind()) == '0' {
			return problemf("%sfield %q is %s, want an integer", at, f.name, quoteText(string(raw)))
		}
		if err := json.Unmarshal(raw, fv.Addr().Interface()); err != nil {
			return d.fieldError(err, at, f)
		}
		return nil
	}
	var opts []json.Options
	if f.holdsStruct {
		opts = append(opts, d.hook())
	}
	if err := json.UnmarshalDecode(d.dec, fv.Addr().Interface(), opts...); err != nil {
		return d.fieldError(err, at, f)
	}
	return nil
}

// hook returns the v2 option that decodes every struct v2 meets (in a
// slice, an array or a map) as object does: checked key by key. Its
// messages place the struct by its JSON pointer.
func (d *strictDecoder) hook() json.Options {
	return json.WithUnmarshalers(json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v any) error {
		dst := reflect.ValueOf(v).Elem()
		if dst.Kind() != reflect.Struct || decodesItself(dst.Type()) || dec.PeekKind() != '{' {
			return errors.ErrUnsupported // v2 decodes it
		}
		inner := &strictDecoder{dec: dec, base: d.base, lenient: d.lenient, placeFromPointer: true}
		return inner.object(dst, structInfoOf(dst.Type()), nil, "")
	}))
}

// fieldError describes err, from decoding the value of field f.
func (d *strictDecoder) fieldError(err error, at string, f *fieldInfo) error {
	var semantic *json.SemanticError
	if !errors.As(err, &semantic) || errors.As(err, new(*decodeError)) || errors.As(err, new(*itemFailure)) {
		return d.describe(err, at)
	}
	msg := "it is " + kindName(semantic.JSONKind)
	if semantic.JSONKind == 0 {
		msg = "its value"
	}
	if semantic.GoType != nil {
		msg += ", want " + goKindText(semantic.GoType)
	}
	if semantic.Err != nil {
		msg += " (" + sanitize.Line(semantic.Err.Error()) + ")"
	}
	return problemf("%scannot decode field %q: %s", at, f.name, msg)
}

// describe turns an error of jsontext or json into a decodeError: a key
// twice names the key and where it is, other syntax errors say the text is
// not JSON. A decodeError found inside (from a type that decodes itself)
// is kept.
func (d *strictDecoder) describe(err error, at string) error {
	var failed *itemFailure
	if errors.As(err, &failed) {
		return failed
	}
	var de *decodeError
	if errors.As(err, &de) {
		return de
	}
	var syntactic *jsontext.SyntacticError
	if errors.As(err, &syntactic) {
		if errors.Is(syntactic.Err, jsontext.ErrDuplicateName) {
			return problemf("%skey %s appears twice", at+pointerPlace(syntactic.JSONPointer.Parent(), d.depth), quoteText(syntactic.JSONPointer.LastToken()))
		}
		return problemf("not JSON: %s", sanitize.Line(syntactic.Err.Error()))
	}
	if errors.Is(err, io.EOF) {
		return problemf("not JSON: it ends early")
	}
	return problemf("cannot decode: %s", sanitize.Line(err.Error()))
}

// pointerPlace formats the part of p below its first depth tokens (as
// "deployment: " or "lint_errors[0]: "), for a key given twice inside a
// value the decoder read whole.
func pointerPlace(p jsontext.Pointer, depth int) string {
	var b strings.Builder
	i := 0
	for tok := range p.Tokens() {
		if i++; i <= depth {
			continue
		}
		if _, err := strconv.ParseUint(tok, 10, 63); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		if plainName(tok) {
			b.WriteString(tok)
		} else {
			b.WriteString(quoteText(tok))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	return b.String()
}

// plainName reports whether a key can be printed as it is.
func plainName(s string) bool {
	for _, c := range []byte(s) {
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// normalKind folds jsontext's 't' and 'f' into one kind.
func normalKind(k jsontext.Kind) jsontext.Kind {
	if k == 'f' {
		return 't'
	}
	return k
}

// kindName names a JSON kind as messages do.
func kindName(k jsontext.Kind) string {
	switch normalKind(k) {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't':
		return "true or false"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "not JSON"
}

// isInteger reports whether a number literal has no fraction or exponent.
func isInteger(raw []byte) bool {
	return !bytes.ContainsAny(raw, ".eE")
}

// quoteText returns s quoted and escaped, cut to 64 characters: keys and
// values come from outside.
func quoteText(s string) string {
	if r := []rune(s); len(r) > 64 {
		s = string(r[:63]) + "…"
	}
	return strconv.Quote(s)
}
