package planetscale

// How the strict decoder words what it found: the place of a problem in
// the document and, for v2's own errors, the field they are in.

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// decodeError is a problem the strict decoder found; its text names the
// place ("deployment: key …"), quoting outside text.
type decodeError struct {
	at  jsontext.Pointer // the value the problem is in
	msg string
}

func (e *decodeError) Error() string { return place(e.at) + e.msg }

// describe turns an error of jsontext or v2 into a *decodeError: a wrong
// kind or a number that is not an integer, in a required field, as the
// checker words its own problems. v2's error from inside a type that
// decodes itself (decodeKeepingRaw) comes already placed from the outer
// document (v2 collapses the two), so it is worded as any other.
func (c *checker) describe(err error) error {
	var de *decodeError
	var syntactic *jsontext.SyntacticError
	var semantic *json.SemanticError
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &syntactic) && errors.Is(syntactic.Err, jsontext.ErrDuplicateName):
		return &decodeError{at: syntactic.JSONPointer.Parent(), msg: "key " + quoteText(syntactic.JSONPointer.LastToken()) + " appears twice"}
	case errors.As(err, &syntactic):
		return &decodeError{at: syntactic.JSONPointer, msg: "not JSON: " + sanitize.Line(syntactic.Err.Error())}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &decodeError{msg: "not JSON: it ends early"}
	case !errors.As(err, &semantic):
		return &decodeError{msg: "cannot decode: " + sanitize.Line(err.Error())}
	}
	is, want := kindName(semantic.JSONKind), wantText(semantic.GoType)
	at, name := semantic.JSONPointer.Parent(), semantic.JSONPointer.LastToken()
	if strings.Count(string(at), "/")+1 == c.depth && slices.Contains(c.required, name) {
		if want == "an integer" && bytes.ContainsAny(semantic.JSONValue, ".eE") {
			is = quoteText(string(semantic.JSONValue))
		}
		if semantic.Err == nil || is[0] == '"' {
			return &decodeError{at: at, msg: fmt.Sprintf("field %q is %s, want %s", name, is, want)}
		}
	}
	msg := "it is " + is + ", want " + want
	if semantic.Err != nil {
		msg += " (" + sanitize.Line(semantic.Err.Error()) + ")"
	}
	if at, name = c.field(semantic.JSONPointer); name == "" {
		return &decodeError{at: at, msg: "cannot decode: " + msg}
	}
	return &decodeError{at: at, msg: "cannot decode field " + quoteText(name) + ": " + msg}
}

// field finds the struct field the value at p is in, or is: the last
// name in p that names a field of a struct on the way from c.root (a map's
// key and an array's index do not), and where that struct is. A field
// above an object at c.depth does not count: a problem in an item of a
// page is placed in the item, and worded as the item alone would word it;
// with no field in it, it is placed at the item.
func (c *checker) field(p jsontext.Pointer) (at jsontext.Pointer, name string) {
	var here jsontext.Pointer
	t, n := c.root, 0 // n: tokens read
	for tok := range p.Tokens() {
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == nil: // below a type the walk does not know: as it looks
			if !isIndex(tok) {
				at, name = here, tok
			}
		case t.Kind() == reflect.Struct:
			f, _ := fieldsOf(t).lookup([]byte(tok))
			if at, name, t = here, tok, nil; f != nil {
				t = f.t
			}
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map:
			t = t.Elem()
		default:
			t = nil
		}
		if here, n = here.AppendToken(tok), n+1; n == c.depth-1 { // the item of a page
			at, name = here, ""
		}
	}
	return at, name
}

// place formats where p points, as "deployment: " or "lint_errors[0]: ".
func place(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		switch {
		case isIndex(tok) && b.Len() > 0:
			b.WriteString("[" + tok + "]")
		case b.Len() > 0:
			b.WriteString(": ")
			fallthrough
		default:
			if tok == "" || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
				tok = quoteText(tok)
			}
			b.WriteString(tok)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	return b.String()
}

func isIndex(tok string) bool {
	_, err := strconv.ParseUint(tok, 10, 63)
	return err == nil
}

func isASCII(s []byte) bool {
	return !slices.ContainsFunc(s, func(c byte) bool { return c >= 0x80 })
}

// kindNames name JSON kinds as messages do.
var kindNames = map[jsontext.Kind]string{'"': "a string", '0': "a number", 't': "true or false", 'f': "true or false", 'n': "null", '{': "an object", '[': "an array", 0: "a value"}

func kindName(k jsontext.Kind) string { return cmp.Or(kindNames[k], "not JSON") }

// quoteText returns s quoted and escaped, cut to 64 characters: keys and
// values come from outside.
func quoteText(s string) string {
	if r := []rune(s); len(r) > 64 {
		s = string(r[:63]) + "…"
	}
	return strconv.Quote(s)
}
