package cli

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// progress keeps one line on a terminal's stderr up to date while a
// command waits for the PlanetScale API: how many requests it answered
// (each page of a list is one), how many were retried, and for how long
// it has been waiting. Whatever else the command prints goes through
// writer, which first clears the line, so the line never mixes with
// output. It is used only when stderr is a terminal.
type progress struct {
	mu       sync.Mutex
	w        io.Writer // the terminal
	shown    bool      // the line is on the screen
	answered int
	retried  int
	started  time.Time
	stop     chan struct{}
	stopped  sync.Once
}

// progressRefresh is how often the line is redrawn while nothing answers.
const progressRefresh = time.Second

// newProgress starts the line on w, refreshed each progressRefresh.
func newProgress(w io.Writer) *progress {
	p := &progress{w: w, started: time.Now(), stop: make(chan struct{})}
	go func() {
		t := time.NewTicker(progressRefresh)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.update(func() {})
			}
		}
	}()
	return p
}

// writer returns w behind the progress line: each write first clears it.
func (p *progress) writer(w io.Writer) io.Writer { return progressWriter{p, w} }

type progressWriter struct {
	p *progress
	w io.Writer
}

func (pw progressWriter) Write(b []byte) (int, error) {
	pw.p.mu.Lock()
	defer pw.p.mu.Unlock()
	pw.p.clearLocked()
	return pw.w.Write(b)
}

// clearLocked erases the line; p.mu is held.
func (p *progress) clearLocked() {
	if p.shown {
		_, _ = io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// update applies change and redraws the line, unless stopped.
func (p *progress) update(change func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	change()
	select {
	case <-p.stop:
		return
	default:
	}
	line := fmt.Sprintf("PlanetScale API: %d answered", p.answered)
	if p.retried > 0 {
		line += fmt.Sprintf(", %d retried", p.retried)
	}
	line += fmt.Sprintf(" · %ds…", int(time.Since(p.started).Seconds()))
	_, _ = io.WriteString(p.w, "\r\x1b[K"+line)
	p.shown = true
}

// retry counts a retried request.
func (p *progress) retry() { p.update(func() { p.retried++ }) }

// transport counts each answer of next.
func (p *progress) transport(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		if err == nil {
			p.update(func() { p.answered++ })
		}
		return resp, err
	})
}

// done stops the line and erases it.
func (p *progress) done() {
	p.stopped.Do(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		close(p.stop)
		p.clearLocked()
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
