package planetscale

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
)

// readBody reads r to its end, at most limit bytes and one more (so that
// the caller can tell a longer body), as io.ReadAll(io.LimitReader(r,
// limit+1)) does, but costs one allocation of the body's size: into a
// buffer sized at once when the answer's Content-Length, size, is known
// (-1 when not), else through a reused buffer, then copied. A list page of
// a few hundred KiB read by io.ReadAll costs a dozen allocations of a
// growing buffer, twice its size in all.
func readBody(r io.Reader, size, limit int64) ([]byte, error) {
	r = io.LimitReader(r, limit+1)
	if size < 0 || size > limit {
		buf := readBuffers.Get().(*bytes.Buffer)
		defer putReadBuffer(buf)
		buf.Reset()
		_, err := buf.ReadFrom(r)
		return bytes.Clone(buf.Bytes()), err
	}
	buf := make([]byte, 0, size+1) // one more: room to see the end
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return buf, err
		case len(buf) == cap(buf): // longer than announced
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// readBuffers holds the buffers readBody reads bodies of unknown size into.
var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxReadBuffer is the largest buffer kept for reuse: a list page, not the
// odd huge answer.
const maxReadBuffer = 1 << 20

func putReadBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxReadBuffer {
		readBuffers.Put(buf)
	}
}

// decodeJSON decodes body into v as json.Unmarshal does, but gives a
// *json.RawMessage body itself once checked, rather than a copy found by
// scanning body twice more: a list page is decoded from it and dropped.
func decodeJSON(body []byte, v any) error {
	if raw, ok := v.(*json.RawMessage); ok && json.Valid(body) {
		*raw = body
		return nil
	}
	return json.Unmarshal(body, v)
}
