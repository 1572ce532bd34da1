package planetscale

import (
	"context"
	"fmt"
	"sync"
)

// MaxPageConcurrency is the most pages of one list a client fetches at once.
const MaxPageConcurrency = 8

// WithPageConcurrency lets the client fetch up to n pages of one list at
// once (1 to MaxPageConcurrency; default 1: one page after another). Pages
// are fetched at once only when the list's first page says how many pages
// there are (total_pages, or total_count and per_page): the first read of a
// list asks for page 1 alone, then for the rest at once; a confirming read
// (see ListAll) asks for every page at once. Each page goes through the
// same retries and rate budget as any request, under the one deadline, and
// pages are still checked one by one in page order, exactly as a walk one
// page after another checks them, and against the count the totals give.
// Without totals the walk follows next_page one page after another.
func WithPageConcurrency(n int) Option {
	return func(s *settings) error {
		if n < 1 || n > MaxPageConcurrency {
			return fmt.Errorf("page concurrency %d: want 1 to %d", n, MaxPageConcurrency)
		}
		s.pacing.pages = n
		return nil
	}
}

// pageFetcher fetches the pages of one walk, up to workers at once, each
// page started in page order, and hands them over in whatever order they
// are asked for. A page that fails cancels the pages after it (they can
// no longer count) but not those before it, so that the walk, which takes
// pages in order, meets the same first failure whatever the timing. With
// one worker it fetches each page when asked for it, on the caller's
// goroutine.
type pageFetcher[T any] struct {
	ctx     context.Context // the walk's; close cancels it
	cancel  context.CancelFunc
	fetch   func(ctx context.Context, n int) (*listPage[T], error)
	workers int
	wg      sync.WaitGroup

	mu      sync.Mutex
	slots   map[int]*pageSlot[T]
	next    int // the next page to start
	last    int // pages up to last are to be fetched
	running int // workers at work
}

// pageSlot is one page being fetched; done closes when page and err are set.
type pageSlot[T any] struct {
	done   chan struct{}
	page   *listPage[T]
	err    error
	cancel context.CancelFunc
}

func newPageFetcher[T any](ctx context.Context, workers int, fetch func(ctx context.Context, n int) (*listPage[T], error)) *pageFetcher[T] {
	ctx, cancel := context.WithCancel(ctx)
	return &pageFetcher[T]{ctx: ctx, cancel: cancel, fetch: fetch, workers: workers, slots: map[int]*pageSlot[T]{}, next: 1}
}

// want has pages up to last fetched, in page order, starting workers as
// needed.
func (f *pageFetcher[T]) want(last int) {
	if f.workers <= 1 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = max(f.last, last)
	for f.running < f.workers && f.running < f.last-f.next+1 {
		f.running++
		f.wg.Add(1)
		go f.work()
	}
}

// dropAfter cancels the pages after last and starts no more of them.
func (f *pageFetcher[T]) dropAfter(last int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = min(f.last, last)
	for n, s := range f.slots {
		if n > last && s.cancel != nil {
			s.cancel()
		}
	}
}

// page returns page n, fetched and checked on its own (see fetchPage), or
// its error, waiting for it as long as it takes. A walk asks for each page
// once, and never for one after a page it had dropped.
func (f *pageFetcher[T]) page(n int) (*listPage[T], error) {
	if f.workers <= 1 {
		return f.fetch(f.ctx, n)
	}
	f.want(n)
	f.mu.Lock()
	s := f.slot(n)
	f.mu.Unlock()
	<-s.done
	p, err := s.page, s.err
	s.page = nil // the walk keeps what it needs
	return p, err
}

// slot returns page n's slot, making it. f.mu must be held.
func (f *pageFetcher[T]) slot(n int) *pageSlot[T] {
	s, ok := f.slots[n]
	if !ok {
		s = &pageSlot[T]{done: make(chan struct{})}
		f.slots[n] = s
	}
	return s
}

// work fetches the next page to start until there is none.
func (f *pageFetcher[T]) work() {
	defer f.wg.Done()
	for {
		f.mu.Lock()
		if f.next > f.last {
			f.running--
			f.mu.Unlock()
			return
		}
		n := f.next
		f.next++
		s := f.slot(n)
		ctx, cancel := context.WithCancel(f.ctx)
		s.cancel = cancel
		f.mu.Unlock()

		s.page, s.err = f.fetch(ctx, n)
		if s.err != nil && ctx.Err() == nil {
			f.dropAfter(n)
		}
		cancel()
		close(s.done)
	}
}

// close cancels what is still being fetched and waits for the workers.
func (f *pageFetcher[T]) close() {
	f.mu.Lock()
	f.last = f.next - 1
	f.mu.Unlock()
	f.cancel()
	f.wg.Wait()
}
