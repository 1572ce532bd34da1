package planetscale

import (
	"errors"
	"reflect"

	"github.com/go-json-experiment/json/jsontext"
)

// listEnvelope is the envelope of every page-based list answer. next_page
// stays raw to tell a null (the last page) from a missing key; total_pages
// and per_page stay raw too, read only to fetch pages at once (see
// pageCount), so that a walk one page after another never fails on them.
// Data decodes the items as it meets them (see decodePage).
type listEnvelope struct {
	Data        *pageData      `json:"data"`
	CurrentPage *int           `json:"current_page"`
	NextPage    jsontext.Value `json:"next_page"`
	TotalCount  *int           `json:"total_count"`
	TotalPages  jsontext.Value `json:"total_pages"`
	PerPage     jsontext.Value `json:"per_page"`
}

// pageData decodes the data array of a page, item by item, in the one read
// of the page.
type pageData struct {
	// item decodes the next item, number i from 0, from dec.
	item func(dec *jsontext.Decoder, i int) error
	// seen is set once the key was read (a null leaves Data nil).
	seen bool
}

// errNotAList is a data key that is not an array.
var errNotAList = &decodeError{msg: `"data" is not a list`}

// itemFailure is an item that failed strict decoding; it ends the read of
// its page.
type itemFailure struct {
	index int // from 0
	err   error
}

func (f *itemFailure) Error() string { return f.err.Error() }

// UnmarshalJSONFrom decodes the data array, as v2 calls it.
func (p *pageData) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	p.seen = true
	if dec.PeekKind() != '[' {
		if _, err := dec.ReadValue(); err != nil {
			return err
		}
		return errNotAList
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		if err := p.item(dec, i); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// decodePage reads the list page raw: its envelope strictly (as
// decodeStrict), and each item of its data strictly with required, in one
// read. An item that fails ends the read with an *itemFailure. lenient
// reads as decodeStrict's lenient read does, to name a failed item.
func decodePage[T any](raw []byte, required []string, lenient bool) (listEnvelope, []T, error) {
	items := make([]T, 0, PerPage) // a page holds at most PerPage items
	si := structInfoOf(reflect.TypeFor[T]())
	env := listEnvelope{Data: &pageData{}}
	env.Data.item = func(dec *jsontext.Decoder, i int) error {
		items = append(items, *new(T))
		dst := reflect.ValueOf(&items[i]).Elem()
		d := &strictDecoder{dec: dec, base: 2, depth: 2, lenient: lenient} // below /data/i
		if si.decodesItself {
			item, err := dec.ReadValue()
			switch {
			case err != nil && lenient:
				return err
			case err != nil:
				return &itemFailure{index: i, err: d.describe(err, "")}
			case lenient:
				decodeLenient(item, dst)
			default:
				if err := decodeStrictValue(item, dst, required); err != nil {
					return &itemFailure{index: i, err: err}
				}
			}
			return nil
		}
		if lenient && dec.PeekKind() != '{' {
			_, err := dec.ReadValue()
			return err
		}
		if err := d.object(dst, si, required, ""); err != nil {
			return &itemFailure{index: i, err: err}
		}
		return nil
	}
	d := newStrictDecoder(raw, lenient)
	err := d.object(reflect.ValueOf(&env).Elem(), structInfoOf(reflect.TypeFor[listEnvelope]()), nil, "")
	if err == nil {
		err = d.end()
	}
	var failed *itemFailure
	if errors.As(err, &failed) {
		err = failed
	}
	return env, items, err
}
