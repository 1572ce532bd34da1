package ghreport

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// op is one kind of call, named by the workflow permission it needs.
type op struct{ permission string }

var (
	opWriteStatus  = op{"statuses: write"}
	opReadStatus   = op{"statuses: read"}
	opWriteComment = op{"pull-requests: write"}
	opReadPulls    = op{"pull-requests: read"}
)

// apiCall makes one go-github request.
type apiCall func(ctx context.Context) (*github.Response, error)

// call runs fn until it succeeds or fails for good, retrying what
// classify marks retryable under c's policy and ctx's deadline.
func (c *Client) call(ctx context.Context, o op, fn apiCall) error {
	return httpretry.Do(ctx, c.retry, c.notify, func(actx context.Context) error {
		return c.once(ctx, actx, o, fn)
	})
}

// callIn is call, or, with a non-nil actx (inside an attempt of another
// call), one attempt of fn under actx.
func (c *Client) callIn(ctx, actx context.Context, o op, fn apiCall) error {
	if actx != nil {
		return c.once(ctx, actx, o, fn)
	}
	return c.call(ctx, o, fn)
}

// once makes one attempt of fn under actx and classifies its outcome;
// ctx is the caller's context.
func (c *Client) once(ctx, actx context.Context, o op, fn apiCall) error {
	_, err := fn(actx)
	return c.classify(ctx, o, err)
}

// classify turns go-github's outcome into this package's errors, with
// every outside text sanitized and secrets removed, and marks the ones
// worth another attempt: 5xx, rate limits, network errors, cut answers.
func (c *Client) classify(ctx context.Context, o op, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err() // the caller is done: httpretry reports it
	}
	if errors.Is(err, ErrUnexpectedResponse) {
		return err // an answer that does not add up does not get better by asking again
	}
	var (
		primary   *github.RateLimitError
		secondary *github.AbuseRateLimitError
		answer    *github.ErrorResponse
		accepted  *github.AcceptedError
		syntax    *json.SyntaxError
		shape     *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &primary):
		wait := untilReset(primary.Rate.Reset.Time)
		apiErr := &APIError{Status: primary.Response.StatusCode, Message: c.clean(primary.Message) + " (primary rate limit)"}
		if pastDeadline(ctx, wait) {
			// Retrying could only fail again: the token's hourly requests
			// come back after the deadline.
			apiErr.Message += "; it resets in " + httpretry.FormatWait(wait) + ", after the time left"
			return apiErr
		}
		return httpretry.Retryable(apiErr, wait)
	case errors.As(err, &secondary):
		// GitHub: without Retry-After, wait at least a minute. The header
		// is read again here: go-github's own reading of it
		// (secondary.RetryAfter) wraps for huge values.
		wait := time.Minute
		if secondary.Response != nil {
			if d, ok := retryAfter(secondary.Response.Header); ok {
				wait = d
			}
		}
		msg := c.clean(secondary.Message) + " (secondary rate limit)"
		return httpretry.Retryable(&APIError{Status: secondary.Response.StatusCode, Message: msg}, wait)
	case errors.As(err, &answer):
		return c.fromAnswer(o, answer)
	case errors.As(err, &accepted):
		return &APIError{Status: http.StatusAccepted, Message: "the request was only queued (202)"}
	case errors.As(err, &shape):
		return fmt.Errorf("%w: %s", ErrUnexpectedResponse, c.clean(shape.Error()))
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return httpretry.Retryable(&NetworkError{Message: "the answer was cut off or is not JSON (" + c.clean(err.Error()) + ")", err: err}, 0)
	}
	ne := &NetworkError{Message: c.clean(networkMessage(err)), err: err}
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return ne // waiting does not fix a certificate
	}
	return httpretry.Retryable(ne, 0)
}

// fromAnswer classifies an error answer by its status.
func (c *Client) fromAnswer(o op, e *github.ErrorResponse) error {
	status, h := e.Response.StatusCode, e.Response.Header
	msg := c.answerMessage(e)
	switch {
	case status == http.StatusTooManyRequests ||
		status == http.StatusForbidden && (h.Get("Retry-After") != "" || h.Get("X-RateLimit-Remaining") == "0"):
		return httpretry.Retryable(&APIError{Status: status, Message: msg + " (rate limited)"}, rateLimitWait(h))
	case status >= 500:
		wait, _ := retryAfter(h)
		return httpretry.Retryable(&APIError{Status: status, Message: msg}, wait)
	case status == http.StatusForbidden || status == http.StatusNotFound:
		return &PermissionError{Permission: o.permission, Status: status, Message: msg}
	case status >= 300 && status < 400:
		msg = "a redirect to " + strconv.Quote(c.clean(h.Get("Location"))) + " that leaves the API's host; not followed"
	}
	return &APIError{Status: status, Message: msg}
}

// answerMessage is GitHub's message with its validation details.
func (c *Client) answerMessage(e *github.ErrorResponse) string {
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	add(e.Message)
	for _, d := range e.Errors {
		if d.Message != "" {
			add(d.Message)
		} else {
			add(d.Code + " " + d.Field)
		}
	}
	msg := strings.Join(parts, "; ")
	if msg == "" {
		msg = http.StatusText(e.Response.StatusCode)
	}
	return c.clean(msg)
}

// clean makes outside text fit for an error: secrets removed, one line,
// at most 300 characters.
func (c *Client) clean(s string) string {
	s = c.redact.Line(s)
	if r := []rune(s); len(r) > 300 {
		s = string(r[:299]) + "…"
	}
	return s
}

// pastDeadline reports whether waiting wait would end after ctx's
// deadline: a rate limit that resets then cannot be waited out.
func pastDeadline(ctx context.Context, wait time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < wait
}

// retryAfter reads Retry-After with httpretry's one parser; ok is false
// when there is none that parses.
func retryAfter(h http.Header) (time.Duration, bool) {
	return httpretry.ParseRetryAfter(h.Get("Retry-After"), time.Now())
}

// rateLimitWait is how long GitHub asks a rate-limited client to wait:
// Retry-After, else until X-RateLimit-Reset when no requests remain, else
// a minute.
func rateLimitWait(h http.Header) time.Duration {
	if d, ok := retryAfter(h); ok {
		return d
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return untilReset(time.Unix(n, 0))
		}
	}
	return time.Minute
}

// untilReset is the wait until a rate limit resets, plus a second for the
// reset's whole-second rounding; a reset too far ahead to count in a
// Duration saturates at the longest one rather than wrap.
func untilReset(t time.Time) time.Duration {
	if t.IsZero() {
		return time.Minute
	}
	d := time.Until(t)
	if d >= math.MaxInt64-time.Second {
		return math.MaxInt64
	}
	return max(d+time.Second, 0)
}

// pageFunc fetches page n of a list; stop ends the walk early.
type pageFunc func(ctx context.Context, n int) (resp *github.Response, stop bool, err error)

// walk reads a list page by page (page 1, then each Link rel="next") until
// the last page or until page says stop. Each page is retried on its own;
// with a non-nil actx (inside an attempt of another call) every page gets
// one try under actx instead. A next page that does not move forward, or
// more pages than c.maxPages, is an error: the list is never taken as
// whole when it may not be.
func (c *Client) walk(ctx, actx context.Context, o op, page pageFunc) error {
	for n := 1; ; {
		var next int
		var stop bool
		fn := func(ctx context.Context) (*github.Response, error) {
			resp, s, err := page(ctx, n)
			if err == nil && resp != nil {
				next, stop = resp.NextPage, s
			}
			return resp, err
		}
		err := c.callIn(ctx, actx, o, fn)
		switch {
		case err != nil && n > 1:
			return fmt.Errorf("page %d: %w", n, err)
		case err != nil:
			return err
		case stop || next == 0:
			return nil
		case next <= n:
			return fmt.Errorf("%w: page %d names page %d as the next", ErrUnexpectedResponse, n, next)
		case next > c.maxPages:
			return fmt.Errorf("the list runs past %d pages, more than the gate reads", c.maxPages)
		}
		n = next
	}
}
