package ghreport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// ErrPermission is matched (errors.Is) by every *PermissionError.
var ErrPermission = errors.New("permission refused")

// ErrBadCredentials is matched (errors.Is) by a 401 answer: the token is
// invalid, expired or revoked.
var ErrBadCredentials = errors.New("bad credentials")

// ErrUnexpectedResponse is matched by an answer that is not what the API
// documents (a redirect elsewhere, JSON of another shape, a list that
// repeats itself or pages backwards).
var ErrUnexpectedResponse = errors.New("unexpected answer from the GitHub API")

// PermissionError is GitHub refusing a call with 403 (a pull request from
// a fork gets a read-only token; the workflow's permissions: block lacks
// the scope) or 404 (the token cannot see the repository). Callers turn it
// into one warning that names Permission.
type PermissionError struct {
	// Permission is the workflow permission to add, such as
	// "statuses: write" or "pull-requests: write".
	Permission string
	// Status is the HTTP status: 403 or 404.
	Status int
	// Message is GitHub's message, sanitized.
	Message string
}

func (e *PermissionError) Error() string {
	if e.Status == http.StatusNotFound {
		return fmt.Sprintf("GitHub answered 404 (%s): the token cannot see the repository or lacks %q; "+
			"add %q to the workflow's permissions: block", e.Message, e.Permission, e.Permission)
	}
	return fmt.Sprintf("GitHub refused it (%d %s): the token lacks %q; add %q to the workflow's permissions: block "+
		"(a pull request from a fork gets a read-only token)", e.Status, e.Message, e.Permission, e.Permission)
}

// Is makes errors.Is(err, ErrPermission) true.
func (e *PermissionError) Is(target error) bool { return target == ErrPermission }

// APIError is any other error answer from the API.
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Message is GitHub's message (validation details included), sanitized.
	Message string
}

func (e *APIError) Error() string {
	if e.Status == http.StatusUnauthorized {
		return fmt.Sprintf("GitHub answered 401 (%s): the token is invalid, expired or revoked", e.Message)
	}
	return fmt.Sprintf("GitHub answered %d: %s", e.Status, e.Message)
}

// Is makes errors.Is(err, ErrBadCredentials) true for a 401, and
// errors.Is(err, ErrUnexpectedResponse) for a redirect.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadCredentials:
		return e.Status == http.StatusUnauthorized
	case ErrUnexpectedResponse:
		return e.Status >= 300 && e.Status < 400
	}
	return false
}

// NetworkError is a failure to get a whole answer: the connection was
// refused or cut, DNS or TLS failed, or the attempt timed out.
type NetworkError struct {
	// Message says what failed, sanitized.
	Message string
	err     error
}

func (e *NetworkError) Error() string { return "could not reach the GitHub API: " + e.Message }

// Unwrap returns the transport's error (context.DeadlineExceeded for a
// timed-out attempt).
func (e *NetworkError) Unwrap() error { return e.err }

// networkMessage says what went wrong on the way, without Go's
// `Get "<url>":` noise beyond the path.
func networkMessage(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the request timed out"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		where := ue.URL
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery, u.User = "", nil
			where = u.String()
		}
		return fmt.Sprintf("%s %s: %v", ue.Op, where, ue.Err)
	}
	return err.Error()
}
