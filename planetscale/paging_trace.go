package planetscale

import "context"

// ListTrace is told how a list read goes, as httptrace.ClientTrace is told
// how a request goes; WithListTrace attaches it to a context.
type ListTrace struct {
	// FirstPage, when set, is called once, on the reading goroutine, as
	// soon as page 1 of the list's first read has been answered and
	// checked: before any other page of the list is asked for. A caller
	// that has a request of its own to make can start it then, beside the
	// rest of the list, rather than after the whole list, and still after
	// the list's first answer.
	FirstPage func()
}

type listTraceKey struct{}

// WithListTrace returns a context whose list reads (ListAll and the List
// methods) report to t.
func WithListTrace(ctx context.Context, t *ListTrace) context.Context {
	return context.WithValue(ctx, listTraceKey{}, t)
}

// firstPageHook returns the FirstPage function of ctx's ListTrace, or nil.
func firstPageHook(ctx context.Context) func() {
	if t, ok := ctx.Value(listTraceKey{}).(*ListTrace); ok && t != nil {
		return t.FirstPage
	}
	return nil
}
