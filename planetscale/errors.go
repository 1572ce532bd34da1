package planetscale

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Sentinel errors that an *APIError matches with errors.Is.
var (
	// ErrUnauthorized: the API rejected the credentials (401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the credentials may not do this (403).
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: the organization or database does not exist, or the token
	// lacks the grant to see it; PlanetScale answers 404 for both (404).
	ErrNotFound = errors.New("not found")
	// ErrRateLimited: the API's rate limit was hit (429).
	ErrRateLimited = errors.New("rate limited")
	// ErrServer: the API failed (5xx).
	ErrServer = errors.New("server error")
	// ErrUnexpectedResponse: a 2xx or 3xx answer that is not the API's JSON
	// (an HTML page, a redirect, a body over the size cap, JSON of the wrong
	// shape), which usually means the base URL points somewhere else.
	// Never retried.
	ErrUnexpectedResponse = newSentinel("unexpected answer", check.ErrUnexpectedAnswer)
)

// ErrTruncated: a 2xx answer ended before its JSON did (the connection was
// cut mid-body, or the body was short); such a failure is retried, and
// comes back inside a *GaveUpError when the retries run out.
var ErrTruncated = newSentinel("the answer was cut off before its end", check.ErrCutOff)

// APIError is a non-2xx answer from the PlanetScale API. Code and Message
// come from the answer's body, cut to one line of at most 200 characters
// with every control character removed (sanitize.Line).
type APIError struct {
	// StatusCode is the HTTP status, such as 404.
	StatusCode int
	// Code is the API's error code, such as "not_found", when the body had one.
	Code string
	// Message is the API's error message, or a one-line excerpt of a body
	// that was not the API's JSON error envelope (an HTML page, say).
	Message string
	// RetryAfter is the wait the API asked for with Retry-After, if any.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	return sanitize.Line(e.text())
}

func (e *APIError) text() string {
	var b strings.Builder
	b.WriteString("PlanetScale API answered " + e.Status())
	switch {
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, " (%s: %s)", e.Code, e.Message)
	case e.Code != "":
		fmt.Fprintf(&b, " (%s)", e.Code)
	case e.Message != "":
		fmt.Fprintf(&b, " (%s)", e.Message)
	}
	return b.String()
}

// Is matches the sentinel error for e's status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// temporary reports whether waiting and asking again may succeed.
func (e *APIError) temporary() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// newAPIError builds an *APIError from a response whose body has been read.
// It understands the API's {"code","message"} envelope, the older
// {"status","error"} body, OAuth-style {"error","error_description"}, and
// anything else (HTML, text) as a short one-line excerpt. Known secrets
// (r) are removed from the body's text before it is cut.
func newAPIError(res *http.Response, body []byte, now time.Time, r *sanitize.Redactor) *APIError {
	wait, _ := httpretry.ParseRetryAfter(res.Header.Get("Retry-After"), now) // 0 when absent or unreadable
	e := &APIError{StatusCode: res.StatusCode, RetryAfter: wait}
	var envelope struct {
		Code             string `json:"code"`
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(body, &envelope) == nil {
		e.Code = clip(r.Redact(envelope.Code))
		e.Message = r.Redact(envelope.Message)
		if e.Message == "" {
			e.Message = r.Redact(strings.TrimSpace(envelope.Error + " " + envelope.ErrorDescription))
		}
		if e.Code != "" || e.Message != "" {
			e.Message = oneLine(e.Message) // the API's own text: "<" is no tag here
			return e
		}
	}
	e.Message = excerpt(r.Redact(string(body)))
	if looksLikeHTML(body) {
		e.Message = "an HTML page instead of JSON: " + e.Message
	}
	return e
}

func looksLikeHTML(body []byte) bool {
	b := bytes.TrimLeftFunc(body, unicode.IsSpace)
	b = bytes.ToLower(b[:min(len(b), len("<!doctype html"))]) // only the start tells
	return bytes.HasPrefix(b, []byte("<!doctype html")) || bytes.HasPrefix(b, []byte("<html"))
}

// excerpt returns s with HTML tags removed, on one line (see oneLine).
func excerpt(s string) string {
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			b.WriteByte(' ')
		case !inTag:
			b.WriteRune(r)
		}
	}
	return oneLine(b.String())
}

// oneLine returns s on one line (see clip) with runs of white space folded
// into one space.
func oneLine(s string) string {
	return clip(strings.Join(strings.Fields(sanitize.Line(s)), " "))
}

// maxExcerpt is how many characters of outside text an error quotes.
const maxExcerpt = 200

// clip returns outside text safe to quote in an error: on one line with
// every control character made a space (sanitize.Line), and cut to at most
// maxExcerpt characters, ending with … when cut.
func clip(s string) string {
	s = sanitize.Line(s)
	if utf8.RuneCountInString(s) > maxExcerpt {
		s = string([]rune(s)[:maxExcerpt-1]) + "…"
	}
	return s
}

// Status is the HTTP status with its text, such as "404 Not Found".
func (e *APIError) Status() string {
	return fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
}
