package planetscale

import (
	"errors"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// listEnvelope is a page of a page-based list answer. next_page stays raw
// to tell a null (the last page) from a missing key; total_pages and
// per_page stay raw too, read only to fetch pages at once (see pageCount),
// so that a walk one page after another never fails on them.
type listEnvelope[T any] struct {
	Data        []T            `json:"data"`
	CurrentPage *int           `json:"current_page"`
	NextPage    jsontext.Value `json:"next_page"`
	TotalCount  *int           `json:"total_count"`
	TotalPages  jsontext.Value `json:"total_pages"`
	PerPage     jsontext.Value `json:"per_page"`
}

// itemFailure is an item of a page that failed strict decoding.
type itemFailure struct {
	index int // from 0
	err   error
}

func (f *itemFailure) Error() string { return f.err.Error() }

// decodePage decodes the list page raw strictly, as decodeStrict does, with
// required applying to each item of data. A problem inside an item is an
// *itemFailure, placed from the item; the page is then decoded as far as it
// goes, to name the item.
func decodePage[T any](raw []byte, required []string) (listEnvelope[T], error) {
	var env listEnvelope[T]
	err := decode(raw, &env, required, 3) // an item is an object in the array /data
	var de *decodeError
	if errors.As(err, &de) {
		tokens := strings.SplitN(string(de.at)+"//", "/", 4) // "", "data", i, ...
		if i, convErr := strconv.Atoi(tokens[2]); tokens[1] == "data" && convErr == nil {
			decodeLenient(raw, &env)
			de.at = de.at[len("/data/"+tokens[2]):] // placed from the item
			return env, &itemFailure{index: i, err: de}
		}
	}
	return env, err
}
