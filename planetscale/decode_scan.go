package planetscale

import (
	"bytes"
	"encoding/json"
	"errors"
)

// errSyntax means the text is not well-formed JSON where the scanner looked.
var errSyntax = errors.New("not well-formed JSON")

// scanner walks JSON text without decoding it: it finds object keys, the
// kind of each value and where each value ends. It trusts nothing: every
// step is bounds-checked and malformed text ends in errSyntax. Values are
// skipped, not validated; decodeStrict leaves that to encoding/json.
type scanner struct {
	data []byte
	pos  int
	// slow is set when object met a field it cannot set (see decodeItem).
	slow bool
}

// jsonKind is the kind of a JSON value, from its first byte.
type jsonKind byte

const (
	kindAny jsonKind = iota // any value but null (only in fieldInfo)
	kindString
	kindNumber
	kindBool
	kindNull
	kindObject
	kindArray
)

func (k jsonKind) String() string {
	return [...]string{"a value", "a string", "a number", "true or false", "null", "an object", "an array"}[k]
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the kind of the value that starts at the next non-space byte.
func (s *scanner) peek() (jsonKind, error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return 0, errSyntax
	}
	switch c := s.data[s.pos]; {
	case c == '"':
		return kindString, nil
	case c == '{':
		return kindObject, nil
	case c == '[':
		return kindArray, nil
	case c == 't' || c == 'f':
		return kindBool, nil
	case c == 'n':
		return kindNull, nil
	case c == '-' || c >= '0' && c <= '9':
		return kindNumber, nil
	}
	return 0, errSyntax
}

// expect consumes the byte c after any space.
func (s *scanner) expect(c byte) error {
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != c {
		return errSyntax
	}
	s.pos++
	return nil
}

// more reports whether a list (object or array) goes on after a value: it
// consumes a comma and returns true, or consumes close and returns false.
func (s *scanner) more(close byte) (bool, error) {
	s.skipSpace()
	if s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ',':
			s.pos++
			return true, nil
		case close:
			s.pos++
			return false, nil
		}
	}
	return false, errSyntax
}

// empty consumes close if the list ends at once.
func (s *scanner) empty(close byte) bool {
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == close {
		s.pos++
		return true
	}
	return false
}

// str consumes a string and returns its raw text, quotes included, and
// whether it needs decoding (it holds an escape or a non-ASCII byte).
func (s *scanner) str() (raw []byte, plain bool, err error) {
	if err := s.expect('"'); err != nil {
		return nil, false, err
	}
	start, plain := s.pos-1, true
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; {
		case c == '"':
			s.pos++
			return s.data[start:s.pos], plain, nil
		case c == '\\':
			plain = false
			s.pos++
		case c >= 0x80:
			plain = false
		}
		s.pos++
	}
	return nil, false, errSyntax
}

// skipString consumes the string whose opening quote is at s.pos, finding
// its end a block at a time (bytes.IndexByte) rather than byte by byte:
// most of a page is string values that are skipped.
func (s *scanner) skipString() error {
	s.pos++ // the opening quote
	for {
		rest := s.data[s.pos:]
		end := bytes.IndexByte(rest, '"')
		if end < 0 {
			return errSyntax
		}
		if esc := bytes.IndexByte(rest[:end], '\\'); esc >= 0 {
			s.pos += esc + 2 // the backslash and the byte it escapes
			if s.pos > len(s.data) {
				return errSyntax
			}
			continue
		}
		s.pos += end + 1
		return nil
	}
}

// key consumes an object key and the colon after it, returning the key as
// encoding/json reads it (escapes decoded, invalid UTF-8 replaced). A
// plain key is a slice of the text, not a copy.
func (s *scanner) key() ([]byte, error) {
	raw, plain, err := s.str()
	if err != nil {
		return nil, err
	}
	if err := s.expect(':'); err != nil {
		return nil, err
	}
	if plain {
		return raw[1 : len(raw)-1], nil
	}
	var k string
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, errSyntax
	}
	return []byte(k), nil
}

// keySet finds a key given twice in one object, without allocating for
// the few dozen keys an object usually has: a keySet is a value that stays
// on its caller's stack until it holds more than len(few) keys.
type keySet struct {
	few  [48][]byte
	n    int // keys in few
	many map[string]bool
}

// add adds key and reports whether it was there already.
func (k *keySet) add(key []byte) (dup bool) {
	if k.many != nil {
		dup = k.many[string(key)]
		k.many[string(key)] = true
		return dup
	}
	for _, old := range k.few[:k.n] {
		if bytes.Equal(old, key) {
			return true
		}
	}
	if k.n == len(k.few) { // past a few dozen, a map is cheaper than comparing each
		k.many = make(map[string]bool, 2*len(k.few))
		for _, old := range k.few {
			k.many[string(old)] = true
		}
		k.many[string(key)] = true
		return false
	}
	k.few[k.n] = key
	k.n++
	return false
}

// skip consumes one value of any kind and returns its raw text.
func (s *scanner) skip() ([]byte, error) {
	kind, err := s.peek()
	if err != nil {
		return nil, err
	}
	start := s.pos
	switch kind {
	case kindString:
		err := s.skipString()
		return s.data[start:s.pos], err
	case kindObject, kindArray:
		depth := 0
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case '"':
				if err := s.skipString(); err != nil {
					return nil, err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.pos++
			if depth == 0 {
				return s.data[start:s.pos], nil
			}
		}
		return nil, errSyntax
	}
	for s.pos < len(s.data) && !isDelimiter(s.data[s.pos]) {
		s.pos++
	}
	return s.data[start:s.pos], nil
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ':', ' ', '\t', '\n', '\r', '"', '{', '[':
		return true
	}
	return false
}

// isInteger reports whether a number literal has no fraction or exponent.
func isInteger(raw []byte) bool {
	for _, c := range raw {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// splitArray returns the raw elements of the JSON array data.
func splitArray(data []byte) ([][]byte, error) {
	s := &scanner{data: data}
	if err := s.expect('['); err != nil {
		return nil, err
	}
	var out [][]byte
	if s.empty(']') {
		return out, s.end()
	}
	for {
		raw, err := s.skip()
		if err != nil {
			return nil, err
		}
		out = append(out, raw)
		more, err := s.more(']')
		if err != nil {
			return nil, err
		}
		if !more {
			return out, s.end()
		}
	}
}

// end checks that nothing but space follows.
func (s *scanner) end() error {
	s.skipSpace()
	if s.pos != len(s.data) {
		return errSyntax
	}
	return nil
}
