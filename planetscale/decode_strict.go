package planetscale

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

// decodeStrict decodes the JSON object raw into v, a pointer to a struct,
// and refuses what encoding/json lets pass: a key that appears twice in an
// object (encoding/json keeps the last) and a key that matches a field's
// name only without regard to case (encoding/json matches "APPROVED" to
// "approved"), in v's object and in every nested object that decodes into a
// struct. Field names are those encoding/json gives v's struct type. Each
// of required, top-level JSON names of v's fields, must be present, not
// null, and of the JSON kind of its Go field (a string, true or false, an
// integer). Unknown keys are ignored and null optional fields left at
// their zero value, as encoding/json does.
//
// v is decoded as far as it goes even when decodeStrict fails, so that an
// error can name the item. The error text quotes keys from raw, escaped.
func decodeStrict(raw []byte, v any, required ...string) error {
	decodeErr := json.Unmarshal(raw, v)
	var syntaxErr *json.SyntaxError
	if errors.As(decodeErr, &syntaxErr) {
		return fmt.Errorf("not JSON: %v", decodeErr)
	}
	s := &scanner{data: raw}
	if err := s.object(fieldsOf(reflect.TypeOf(v).Elem()), required, "", nil, reflect.Value{}); err != nil {
		return err
	}
	if decodeErr != nil {
		return fmt.Errorf("cannot decode: %v", decodeErr)
	}
	return nil
}

// object checks the object at the scanner's position against sf; at is
// where it sits, for messages ("" at the top, else "deployment: " and so
// on). capture, if not nil, gets the raw value of each of sf's fields. dst,
// if valid, is the zero struct the object decodes into: object sets each
// field it can (see setFast) and sets s.slow when it meets one it cannot.
func (s *scanner) object(sf *structFields, required []string, at string, capture func(name string, raw []byte), dst reflect.Value) error {
	kind, err := s.peek()
	if err != nil {
		return err
	}
	if kind != kindObject {
		return fmt.Errorf("%sit is %s, not an object", at, kind)
	}
	s.pos++
	var (
		seen  keySet
		found uint64 // bit i: required[i] was present
	)
	for more := !s.empty('}'); more; {
		key, err := s.key()
		if err != nil {
			return err
		}
		if seen.add(key) {
			return fmt.Errorf("%skey %s appears twice", at, quoteText(string(key)))
		}
		info, known := sf.byName[string(key)]
		if !known {
			if name := sf.caseVariant(key); name != "" {
				return fmt.Errorf("%skey %s differs from the field %q only in case", at, quoteText(string(key)), name)
			}
		}
		vkind, err := s.peek()
		if err != nil {
			return err
		}
		start := s.pos
		decode := known && dst.IsValid() && !s.slow
		switch {
		case info.inner != nil && vkind == kindObject && !info.list:
			var inner reflect.Value
			if decode {
				inner = nestedFast(dst, info)
				s.slow = !inner.IsValid()
			}
			err = s.object(info.inner, nil, at+string(key)+": ", nil, inner)
			decode = false
		case info.inner != nil && vkind == kindArray && info.list:
			err = s.array(info.inner, at+string(key))
		default:
			_, err = s.skip()
		}
		if err != nil {
			return err
		}
		raw := s.data[start:s.pos]
		if decode && (info.index < 0 || !setFast(dst.Field(info.index), info, vkind, raw)) {
			s.slow = true
		}
		for i, name := range required {
			if name == string(key) {
				found |= 1 << i
				if err := checkRequired(info, vkind, raw); err != nil {
					return fmt.Errorf("%sfield %q %v", at, name, err)
				}
			}
		}
		if known && capture != nil {
			capture(string(key), raw)
		}
		if more, err = s.more('}'); err != nil {
			return err
		}
	}
	for i, name := range required {
		if found&(1<<i) == 0 {
			return fmt.Errorf("%sfield %q is missing", at, name)
		}
	}
	return nil
}

// array checks each object in the array at the scanner's position.
func (s *scanner) array(sf *structFields, at string) error {
	s.pos++ // the '['
	for i, more := 0, !s.empty(']'); more; i++ {
		kind, err := s.peek()
		if err != nil {
			return err
		}
		if kind == kindObject {
			err = s.object(sf, nil, at+"["+strconv.Itoa(i)+"]: ", nil, reflect.Value{})
		} else {
			_, err = s.skip()
		}
		if err != nil {
			return err
		}
		if more, err = s.more(']'); err != nil {
			return err
		}
	}
	return nil
}

// checkRequired checks a required field's value.
func checkRequired(info fieldInfo, kind jsonKind, raw []byte) error {
	switch {
	case kind == kindNull:
		return errors.New("is null")
	case info.kind != kindAny && kind != info.kind:
		return fmt.Errorf("is %s, want %s", kind, wantKind(info))
	case info.integer && !isInteger(raw):
		return fmt.Errorf("is %s, want %s", quoteText(string(raw)), wantKind(info))
	}
	return nil
}

func wantKind(info fieldInfo) string {
	if info.integer {
		return "an integer"
	}
	return info.kind.String()
}

// quoteText returns s quoted and escaped, cut to 64 characters: keys and values
// come from outside.
func quoteText(s string) string {
	if r := []rune(s); len(r) > 64 {
		s = string(r[:63]) + "…"
	}
	return strconv.Quote(s)
}
