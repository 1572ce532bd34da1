package planetscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// maxResponseBody caps how much of a successful answer is read. The cap
// counts decoded bytes: the transport unzips a gzip answer before the client
// reads it, so a small compressed body that expands hugely stops here too.
const maxResponseBody = 32 << 20

// maxErrorBody caps how much of an error answer is read (decoded bytes too).
const maxErrorBody = 64 << 10

// attempt sends one GET of u and decodes a 2xx answer into v. Failures
// worth another attempt come back marked with httpretry.Retryable (with the
// wait a Retry-After header asked for); the rest are final.
func (c *Client) attempt(ctx context.Context, u *url.URL, v any) error {
	start := time.Now()
	var budget time.Duration
	if deadline, ok := ctx.Deadline(); ok {
		budget = deadline.Sub(start)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	res, err := c.http.Do(req)
	if err != nil {
		if callerCancelled(ctx) || errors.Is(err, errOtherHost) {
			return err
		}
		netErr := newNetworkError(u, err, ctx.Err() != nil, budget, time.Since(start))
		if netErr.Kind == NetworkTLS {
			return netErr // a certificate does not become trusted by asking again
		}
		return httpretry.Retryable(netErr, 0)
	}
	defer res.Body.Close()

	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return c.decode(ctx, u, res, v, budget, start)
	case res.StatusCode >= 300 && res.StatusCode < 400:
		// Never followed: it would carry the credentials elsewhere.
		return fmt.Errorf("%w: a redirect (%d) to %q", ErrUnexpectedResponse, res.StatusCode, c.quote(res.Header.Get("Location")))
	}
	body, readErr := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
	apiErr := newAPIError(res, body, time.Now(), c.redactor)
	if readErr != nil && len(body) == 0 {
		apiErr.Message = "(body unreadable)"
	}
	if apiErr.temporary() {
		return httpretry.Retryable(apiErr, apiErr.RetryAfter)
	}
	return apiErr
}

// callerCancelled reports whether ctx ended because the caller cancelled it,
// rather than by a deadline.
func callerCancelled(ctx context.Context) bool {
	cause := context.Cause(ctx)
	return cause != nil && !errors.Is(cause, context.DeadlineExceeded)
}

// decode reads a 2xx body into v.
func (c *Client) decode(ctx context.Context, u *url.URL, res *http.Response, v any, budget time.Duration, start time.Time) error {
	body, err := readBody(res.Body, res.ContentLength, c.maxBody)
	if err != nil {
		if callerCancelled(ctx) {
			return err
		}
		if ctx.Err() != nil || networkKind(err) == NetworkTimeout {
			return httpretry.Retryable(newNetworkError(u, err, ctx.Err() != nil, budget, time.Since(start)), 0)
		}
		return httpretry.Retryable(fmt.Errorf("read answer: %w (%s)", ErrTruncated, sanitize.Line(err.Error())), 0)
	}
	if int64(len(body)) > c.maxBody {
		return fmt.Errorf("%w: larger than %d MiB", ErrUnexpectedResponse, c.maxBody>>20)
	}
	if looksLikeHTML(body) {
		return fmt.Errorf("%w: an HTML page, not JSON (%s)", ErrUnexpectedResponse, excerpt(c.redactor.Redact(string(body))))
	}
	if err := decodeJSON(body, v); err != nil {
		if truncatedJSON(body, err) {
			return httpretry.Retryable(fmt.Errorf("decode answer: %w (%s)", ErrTruncated, sanitize.Line(err.Error())), 0)
		}
		return fmt.Errorf("%w: %s", ErrUnexpectedResponse, c.quote(err.Error()))
	}
	return nil
}

// truncatedJSON reports whether err says body ended before its JSON did (as
// an answer cut off in transit does), rather than that it is not JSON.
func truncatedJSON(body []byte, err error) bool {
	if len(bytes.TrimSpace(body)) == 0 || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var syntaxErr *json.SyntaxError
	return errors.As(err, &syntaxErr) && strings.Contains(syntaxErr.Error(), "unexpected end of JSON input")
}
