package planetscale

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// structFields is what encoding/json decodes into a struct type: its JSON
// field names and, for each, what decodeStrict needs to know.
type structFields struct {
	names  []string
	byName map[string]fieldInfo
	// nonASCII is set when a name holds a byte past ASCII.
	nonASCII bool
	// fast is set when decodeItem may set the fields one by one: the
	// type decodes field by field (no UnmarshalJSON of its own) and every
	// field is its own (none promoted from an embedded struct, no name
	// twice).
	fast bool
}

// fieldInfo describes one JSON field of a struct.
type fieldInfo struct {
	// kind is the JSON kind the Go field's type takes (kindAny if several).
	kind jsonKind
	// integer is set for Go integer types: the number needs no fraction.
	integer bool
	// inner is set when the value decodes into a struct field by field (or
	// into a pointer to, or a slice or array of, such a struct).
	inner *structFields
	// list is set when inner applies to each element of an array.
	list bool
	// index is the field's index in its struct, -1 when promoted from an
	// embedded struct; set says how decodeItem sets it (see setFast).
	index int
	set   fastSet
}

var fieldsCache sync.Map // reflect.Type → *structFields, each complete

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// fieldsOf returns the JSON fields of struct type t.
func fieldsOf(t reflect.Type) *structFields {
	if sf, ok := fieldsCache.Load(t); ok {
		return sf.(*structFields)
	}
	building := map[reflect.Type]*structFields{}
	sf := buildFields(t, building)
	for bt, b := range building { // publish only complete descriptions
		fieldsCache.LoadOrStore(bt, b)
	}
	return sf
}

// buildFields describes t; building holds the types under way, so that a type
// that holds itself ends.
func buildFields(t reflect.Type, building map[reflect.Type]*structFields) *structFields {
	if sf, ok := fieldsCache.Load(t); ok {
		return sf.(*structFields)
	}
	if sf, ok := building[t]; ok {
		return sf
	}
	sf := &structFields{byName: map[string]fieldInfo{}, fast: !decodesItself(t)}
	building[t] = sf
	addFields(sf, t, building)
	return sf
}

// addFields adds t's fields to sf; embedded structs add theirs, as
// encoding/json promotes them (each embedded type once, so that a type
// embedding itself through a pointer ends).
func addFields(sf *structFields, t reflect.Type, building map[reflect.Type]*structFields) {
	embedded := map[reflect.Type]bool{t: true}
	var add func(t reflect.Type, top bool)
	add = func(t reflect.Type, top bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					sf.fast = false
					if !embedded[ft] {
						embedded[ft] = true
						add(ft, false)
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := sf.byName[name]; !dup {
				sf.names = append(sf.names, name)
				sf.nonASCII = sf.nonASCII || !isASCII([]byte(name))
			} else {
				sf.fast = false
			}
			info := infoOf(ft, building)
			quoted := slices.Contains(strings.Split(opts, ","), "string")
			if quoted {
				info = fieldInfo{kind: kindString} // the value is quoted
			}
			info.index, info.set = -1, fastNone
			if top && !f.Anonymous && !quoted {
				info.index, info.set = i, fastSetOf(ft)
			}
			sf.byName[name] = info
		}
	}
	add(t, true)
}

func infoOf(t reflect.Type, building map[reflect.Type]*structFields) fieldInfo {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) {
		return fieldInfo{}
	}
	switch t.Kind() {
	case reflect.String:
		return fieldInfo{kind: kindString}
	case reflect.Bool:
		return fieldInfo{kind: kindBool}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fieldInfo{kind: kindNumber, integer: true}
	case reflect.Float32, reflect.Float64:
		return fieldInfo{kind: kindNumber}
	case reflect.Struct:
		return fieldInfo{kind: kindObject, inner: buildFields(t, building)}
	case reflect.Slice, reflect.Array:
		e := t.Elem()
		if e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		if e.Kind() == reflect.Struct && !decodesItself(e) {
			return fieldInfo{kind: kindArray, inner: buildFields(e, building), list: true}
		}
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return fieldInfo{kind: kindString} // []byte is base64 text
		}
		return fieldInfo{kind: kindArray}
	case reflect.Map:
		return fieldInfo{kind: kindObject}
	}
	return fieldInfo{}
}

// decodesItself reports whether encoding/json hands t's JSON to t itself.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler) ||
		t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler)
}

// caseVariant returns the field name that key matches only without regard
// to case (as encoding/json would match it), or "".
func (sf *structFields) caseVariant(key []byte) string {
	sameLength := isASCII(key) && !sf.nonASCII // ASCII folds only to ASCII of its length
	for _, name := range sf.names {
		if sameLength && len(name) != len(key) {
			continue
		}
		if strings.EqualFold(string(key), name) {
			return name
		}
	}
	return ""
}

func isASCII(s []byte) bool {
	for _, c := range s {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
