package check

import (
	"strconv"
	"time"
)

// Cause is a reason a read failed that Explain words. The causes are
// sentinel errors: an error from a Lister matches the causes that apply
// with errors.Is (the client's error types answer for them in an Is method;
// any other Lister may return or wrap a Cause itself). Two failures carry a
// value beside their cause, so they are interfaces: AnswerError and
// WaitError.
type Cause int

// The causes.
const (
	_ Cause = iota
	// ErrNoAnswer: no answer within the time (a timeout, or no attempt
	// ended before the deadline).
	ErrNoAnswer
	// ErrListChanged: the list changed while it was read (consecutive
	// reads disagreed, or a later page was refused after an earlier one
	// was read), so the read proves nothing.
	ErrListChanged
	// ErrMalformedItem: an item lacked a field it must have, held one of
	// the wrong type or null, repeated a name or spelt it in another case.
	ErrMalformedItem
	// ErrUntrustedCertificate: the server's TLS certificate was not
	// trusted.
	ErrUntrustedCertificate
	// ErrUnreachable: no answer came because the API could not be reached.
	// ErrHostNotFound, ErrConnectionRefused and ErrConnectionReset say why,
	// and each also matches ErrUnreachable.
	ErrUnreachable
	// ErrHostNotFound: the API's host name did not resolve.
	ErrHostNotFound
	// ErrConnectionRefused: nothing accepted the connection.
	ErrConnectionRefused
	// ErrConnectionReset: the connection was closed before an answer.
	ErrConnectionReset
	// ErrCutOff: answers ended before their end.
	ErrCutOff
	// ErrPaging: a list's pages did not add up.
	ErrPaging
	// ErrUnexpectedAnswer: an answer that is not the API's (an HTML page,
	// a redirect, the wrong shape).
	ErrUnexpectedAnswer
)

var causeText = [...]string{
	ErrNoAnswer:             "no answer within the time",
	ErrListChanged:          "the list changed while it was read",
	ErrMalformedItem:        "an item could not be read safely",
	ErrUntrustedCertificate: "the server's certificate was not trusted",
	ErrUnreachable:          "the API could not be reached",
	ErrHostNotFound:         "the API's host name did not resolve",
	ErrConnectionRefused:    "nothing accepted the connection",
	ErrConnectionReset:      "the connection was closed before an answer",
	ErrCutOff:               "the answer was cut off before its end",
	ErrPaging:               "the pages did not add up",
	ErrUnexpectedAnswer:     "the answer was not the API's",
}

func (c Cause) Error() string {
	if c <= 0 || int(c) >= len(causeText) {
		return "Cause(" + strconv.Itoa(int(c)) + ")"
	}
	return causeText[c]
}

// Is matches ErrUnreachable for the causes that say why the API could not
// be reached.
func (c Cause) Is(target error) bool {
	return target == ErrUnreachable && (c == ErrHostNotFound || c == ErrConnectionRefused || c == ErrConnectionReset)
}

// AnswerError is an error that is the API's answer with a status other
// than 2xx; Explain finds it with errors.As.
type AnswerError interface {
	error
	// AnswerStatus returns the HTTP status code and the status as a person
	// reads it, such as 404 and "404 Not Found".
	AnswerStatus() (code int, status string)
}

// WaitError is an error that gave up waiting; Explain finds it with
// errors.As.
type WaitError interface {
	error
	// AskedWait is the wait the API asked for (Retry-After) when it was
	// longer than the time left, else 0.
	AskedWait() time.Duration
}

// FormatWait writes a wait the way a person reads it: "45s", "2m30s",
// "27h46m39s" (whole seconds; under a second in milliseconds).
func FormatWait(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
