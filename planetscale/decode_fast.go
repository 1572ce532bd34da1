package planetscale

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// decodeItem decodes a list item exactly as decodeStrict does, into v, a
// pointer to a zero value, from raw, which must be well-formed JSON (as a
// page is once Client.get has it). It decodes in the one pass that checks
// the item, setting the plain fields itself (see setFast): a page of a
// hundred items costs a third of what encoding/json's decoding after the
// check costs. Anything it does not set itself, and every item that fails
// a check, goes the way of decodeStrict from the start, so that values and
// errors are always decodeStrict's.
func decodeItem(raw []byte, v any, required ...string) error {
	dst := reflect.ValueOf(v).Elem()
	if sf := fieldsOf(dst.Type()); sf.fast {
		s := &scanner{data: raw}
		if err := s.object(sf, required, "", nil, dst); err == nil && !s.slow {
			return nil
		}
		dst.SetZero()
	}
	return decodeStrict(raw, v, required...)
}

// fastSet says how decodeItem sets a field from its JSON value.
type fastSet uint8

const (
	fastNone   fastSet = iota // encoding/json decodes it
	fastString                // a string: plain text (no escape), valid UTF-8
	fastBool
	fastInt         // a signed integer kind
	fastUnmarshaler // *T implements json.Unmarshaler: called as encoding/json calls it
	fastStruct      // a struct decoded field by field (fieldInfo.inner)
)

// fastSetOf returns how decodeItem sets a field of type t (or a pointer to
// one).
func fastSetOf(t reflect.Type) fastSet {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) {
		if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
			return fastUnmarshaler
		}
		return fastNone
	}
	switch t.Kind() {
	case reflect.String:
		return fastString
	case reflect.Bool:
		return fastBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fastInt
	case reflect.Struct:
		return fastStruct
	}
	return fastNone
}

// setFast sets f, a field of a zero struct, from its JSON value raw (of
// kind k) as encoding/json would, and reports whether it could. A null
// leaves the field as it is (a zero value, a nil pointer), but for an
// Unmarshaler that is no pointer, which encoding/json hands the null.
func setFast(f reflect.Value, info fieldInfo, k jsonKind, raw []byte) bool {
	pointer := f.Kind() == reflect.Pointer
	if k == kindNull {
		if info.set == fastUnmarshaler && !pointer {
			return f.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw) == nil
		}
		return info.set != fastNone
	}
	if pointer {
		if info.set == fastNone || f.Type().Elem().Kind() == reflect.Pointer {
			return false
		}
		p := reflect.New(f.Type().Elem())
		f.Set(p)
		f = p.Elem()
	}
	switch info.set {
	case fastString:
		if k != kindString {
			return false
		}
		text := raw[1 : len(raw)-1]
		if bytes.IndexByte(text, '\\') >= 0 || !utf8.Valid(text) {
			return false
		}
		f.SetString(string(text))
	case fastBool:
		if k != kindBool {
			return false
		}
		f.SetBool(raw[0] == 't')
	case fastInt:
		if k != kindNumber || !isInteger(raw) {
			return false
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || f.OverflowInt(n) {
			return false
		}
		f.SetInt(n)
	case fastUnmarshaler:
		return f.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw) == nil
	default:
		return false
	}
	return true
}

// nestedFast returns the struct value the object for field info of dst
// decodes into, allocating a pointer's; an invalid Value when decodeItem
// cannot set it field by field.
func nestedFast(dst reflect.Value, info fieldInfo) reflect.Value {
	if info.index < 0 || info.set != fastStruct || !info.inner.fast {
		return reflect.Value{}
	}
	f := dst.Field(info.index)
	if f.Kind() != reflect.Pointer {
		return f
	}
	p := reflect.New(f.Type().Elem())
	f.Set(p)
	return p.Elem()
}
