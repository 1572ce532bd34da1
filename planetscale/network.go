package planetscale

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// Sentinel errors that a *NetworkError matches with errors.Is, by its Kind.
var (
	// ErrNoAnswer: the API accepted the connection (or never completed it)
	// but sent no answer within the attempt's time (kind NetworkTimeout).
	ErrNoAnswer = errors.New("no answer")
	// ErrTLS: the API's TLS certificate was not trusted: an unknown
	// authority, a name that does not match the host, or an expired or
	// otherwise invalid certificate (kind NetworkTLS). Never retried.
	ErrTLS = errors.New("untrusted TLS certificate")
)

// NetworkKind says why a request got no answer, for callers that explain it.
type NetworkKind int

const (
	// NetworkOther is any other failure to exchange a request and an answer.
	NetworkOther NetworkKind = iota
	// NetworkTimeout: no answer within the attempt's timeout. Matches ErrNoAnswer.
	NetworkTimeout
	// NetworkRefused: nothing listens at the address (connection refused).
	NetworkRefused
	// NetworkDNS: the host name did not resolve.
	NetworkDNS
	// NetworkReset: the connection was closed or reset before an answer came.
	NetworkReset
	// NetworkTLS: the server's certificate was not trusted. Matches ErrTLS;
	// the only kind that is not retried.
	NetworkTLS
)

var networkKindNames = [...]string{"other", "timeout", "refused", "dns", "reset", "tls"}

// String returns the kind's short name, such as "timeout".
func (k NetworkKind) String() string {
	if k < 0 || int(k) >= len(networkKindNames) {
		return fmt.Sprintf("NetworkKind(%d)", int(k))
	}
	return networkKindNames[k]
}

// NetworkError is a failure to get an answer at all. Its text never holds a
// control character: the transport's error (which quotes a certificate's
// names verbatim) passes through sanitize.Line.
type NetworkError struct {
	// URL is the address that was called, without its query (it never holds
	// credentials).
	URL string
	// Kind says what went wrong.
	Kind NetworkKind
	// Within is how long the attempt waited for an answer (kind NetworkTimeout).
	Within time.Duration
	// Err is the transport's error.
	Err error
}

func (e *NetworkError) Error() string {
	at := sanitize.Line(e.URL)
	detail := ""
	if e.Err != nil {
		detail = sanitize.Line(e.Err.Error())
	}
	var msg string
	switch e.Kind {
	case NetworkTimeout:
		msg = "no answer from the PlanetScale API at " + at
		if e.Within > 0 {
			msg += " within " + httpretry.FormatWait(e.Within)
		}
	case NetworkTLS:
		msg = fmt.Sprintf("the certificate of the PlanetScale API at %s was not trusted: %s", at, detail)
	case NetworkRefused:
		msg = fmt.Sprintf("could not reach the PlanetScale API at %s: the connection was refused (%s)", at, detail)
	case NetworkDNS:
		msg = fmt.Sprintf("could not reach the PlanetScale API at %s: its host name did not resolve (%s)", at, detail)
	case NetworkReset:
		msg = fmt.Sprintf("the PlanetScale API at %s closed the connection before answering (%s)", at, detail)
	default:
		msg = fmt.Sprintf("could not reach the PlanetScale API at %s: %s", at, detail)
	}
	return msg
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Is matches ErrNoAnswer and ErrTLS, and the gate's causes (see gate.go),
// by the error's Kind.
func (e *NetworkError) Is(target error) bool {
	switch target {
	case ErrNoAnswer:
		return e.Kind == NetworkTimeout
	case ErrTLS:
		return e.Kind == NetworkTLS
	}
	return e.Kind.matchesCause(target)
}

// newNetworkError classifies a transport error for the request to u.
// budget is the attempt's whole time; elapsed how long it ran.
func newNetworkError(u *url.URL, err error, timedOut bool, budget, elapsed time.Duration) *NetworkError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop "Get <url>:"; the message names the URL itself
	}
	e := &NetworkError{URL: redact(u), Kind: networkKind(err), Err: err}
	if timedOut { // the attempt's own deadline passed, whatever the transport said
		e.Kind = NetworkTimeout
	}
	if e.Kind == NetworkTimeout {
		e.Within = elapsed
		if timedOut && budget > 0 {
			e.Within = budget
		}
	}
	return e
}

// networkKind tells what a transport error means.
func networkKind(err error) NetworkKind {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		dns      *net.DNSError
		timeout  interface{ Timeout() bool }
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return NetworkTLS
	case errors.As(err, &dns):
		return NetworkDNS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &timeout) && timeout.Timeout():
		return NetworkTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return NetworkRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return NetworkReset
	}
	return NetworkOther
}

// redact returns u without its query (which holds nothing secret, but is
// noise) and without user info.
func redact(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	c.User = nil
	return c.String()
}
