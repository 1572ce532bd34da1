package planetscale

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// structInfo is what the strict decoder knows of a struct type: its JSON
// fields, named as v2 names them (the tag's name, else the Go name; an
// embedded struct without a name gives its fields).
type structInfo struct {
	fields []fieldInfo
	byName map[string]int // index in fields
	// lower maps each ASCII name, lower-cased, to its index in fields.
	lower map[string]int
	// nonASCII is set when a name holds a byte past ASCII.
	nonASCII bool
	// decodesItself is set when the type has its own UnmarshalJSON,
	// UnmarshalJSONFrom or UnmarshalText.
	decodesItself bool
	// needsHook is set when the type holds, at some depth, a struct the
	// decoder meets only inside v2's decoding (in a slice, an array or a
	// map): it is then decoded with a v2 hook that checks it too.
	needsHook bool
	// err is set for a type the strict decoder cannot decode faithfully
	// (tag options it does not apply, fields that clash): a mistake in
	// this package, reported rather than decoded differently from v2.
	err error
}

// fieldInfo is one JSON field of a struct.
type fieldInfo struct {
	name  string
	index []int // for reflect.Value.FieldByIndex, through embedded structs
	// want is the JSON kind of the Go type (0: any, as for a type that
	// decodes itself); integer is set for Go integers.
	want    jsontext.Kind
	integer bool
	// nested is set when the field is a struct, or a pointer to one, that
	// the strict decoder decodes key by key.
	nested *structInfo
	// holdsStruct is set when the field holds such structs in a slice, an
	// array or a map.
	holdsStruct bool
}

func (f *fieldInfo) wantText() string {
	if f.integer {
		return "an integer"
	}
	return kindName(f.want)
}

var structInfos sync.Map // reflect.Type → *structInfo, each complete

// structInfoOf describes the struct type t.
func structInfoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	building := map[reflect.Type]*structInfo{}
	si := buildStructInfo(t, building)
	for _, b := range building {
		b.needsHook = needsHook(b, map[*structInfo]bool{})
	}
	for bt, b := range building { // publish only complete descriptions
		structInfos.LoadOrStore(bt, b)
	}
	return si
}

// needsHook reports whether si or a struct nested in it has a field that
// holds structs in a slice, an array or a map.
func needsHook(si *structInfo, visited map[*structInfo]bool) bool {
	if visited[si] {
		return false
	}
	visited[si] = true
	for _, f := range si.fields {
		if f.holdsStruct || f.nested != nil && needsHook(f.nested, visited) {
			return true
		}
	}
	return false
}

// buildStructInfo describes t; building holds the types under way, so that
// a type that holds itself ends.
func buildStructInfo(t reflect.Type, building map[reflect.Type]*structInfo) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	if si, ok := building[t]; ok {
		return si
	}
	si := &structInfo{byName: map[string]int{}, lower: map[string]int{}, decodesItself: decodesItself(t)}
	building[t] = si
	depthOf := map[string]int{}
	seen := map[reflect.Type]bool{t: true}
	var add func(t reflect.Type, index []int)
	add = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag, hasTag := sf.Tag.Lookup("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			for opt := range strings.SplitSeq(opts, ",") {
				if opt != "" && opt != "omitempty" && opt != "omitzero" {
					si.err = fmt.Errorf("cannot decode into %v: the option %q of field %s is not supported", t, opt, sf.Name)
				}
			}
			at := append(index[:len(index):len(index)], i)
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				if decodesItself(ft) {
					si.err = fmt.Errorf("cannot decode into %v: embedded %v decodes itself", t, ft)
					continue
				}
				if !seen[ft] {
					seen[ft] = true
					add(ft, at)
				}
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if !hasTag || name == "" {
				name = sf.Name
			}
			f := fieldOf(name, at, sf.Type, building)
			if d, dup := depthOf[name]; dup { // the shallower one wins, as in Go
				switch {
				case len(at) < d:
					depthOf[name] = len(at)
					si.fields[si.byName[name]] = f
				case len(at) == d:
					si.err = fmt.Errorf("cannot decode into %v: two fields are named %q", t, name)
				}
				continue
			}
			depthOf[name] = len(at)
			si.byName[name] = len(si.fields)
			si.nonASCII = si.nonASCII || !isASCII(name)
			si.fields = append(si.fields, f)
		}
	}
	add(t, nil)
	for i, f := range si.fields {
		if isASCII(f.name) {
			si.lower[strings.ToLower(f.name)] = i
		}
	}
	return si
}

// fieldOf describes a field of type t.
func fieldOf(name string, index []int, t reflect.Type, building map[reflect.Type]*structInfo) fieldInfo {
	f := fieldInfo{name: name, index: index}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if decodesItself(t) {
		return f
	}
	switch t.Kind() {
	case reflect.String:
		f.want = '"'
	case reflect.Bool:
		f.want = 't'
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.want, f.integer = '0', true
	case reflect.Float32, reflect.Float64:
		f.want = '0'
	case reflect.Struct:
		f.want, f.nested = '{', buildStructInfo(t, building)
	case reflect.Map:
		f.want, f.holdsStruct = '{', holdsStruct(t)
	case reflect.Slice, reflect.Array:
		f.want, f.holdsStruct = '[', holdsStruct(t)
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			f.want = '"' // []byte is base64 text
		}
	}
	return f
}

// holdsStruct reports whether the elements of the slice, array or map type
// t are (or hold) structs that do not decode themselves.
func holdsStruct(t reflect.Type) bool {
	for {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
			continue
		case reflect.Struct:
			return !decodesItself(t)
		}
		return false
	}
}

var (
	jsonUnmarshaler     = reflect.TypeFor[json.Unmarshaler]()
	jsonUnmarshalerFrom = reflect.TypeFor[json.UnmarshalerFrom]()
	textUnmarshaler     = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether v2 hands t's JSON to t's own method.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshaler) || p.Implements(jsonUnmarshalerFrom) || p.Implements(textUnmarshaler)
}

// fieldByIndex is v.FieldByIndex, allocating the embedded pointers on the
// way.
func fieldByIndex(v reflect.Value, index []int) reflect.Value {
	if len(index) == 1 {
		return v.Field(index[0])
	}
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// field finds key's field: the field named key, or else the name of the
// field that key matches only without regard to case (under Unicode simple
// folding, as strings.EqualFold), or neither. An ASCII key, in a struct of
// ASCII names, is looked up once, lower-cased (without a copy for the usual
// short key): most keys of an item are unknown ones.
func (si *structInfo) field(key []byte) (f *fieldInfo, variant string) {
	if !si.nonASCII && isASCII(string(key)) && len(key) <= 64 {
		var buf [64]byte
		lower := buf[:len(key)]
		for i, c := range key {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[i] = c
		}
		i, ok := si.lower[string(lower)]
		switch {
		case !ok:
			return nil, ""
		case si.fields[i].name == string(key):
			return &si.fields[i], ""
		}
		return nil, si.fields[i].name
	}
	if i, ok := si.byName[string(key)]; ok {
		return &si.fields[i], ""
	}
	for _, f := range si.fields {
		if strings.EqualFold(string(key), f.name) {
			return nil, f.name
		}
	}
	return nil, ""
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// goKindText says what JSON a Go type takes, for messages.
func goKindText(t reflect.Type) string {
	f := fieldOf("", nil, t, map[reflect.Type]*structInfo{})
	if f.want == 0 {
		return t.String()
	}
	return f.wantText()
}
