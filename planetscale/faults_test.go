package planetscale_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// fault is one row of the fault matrix: what a server does to the first
// request, and what the client must make of it.
type fault struct {
	name string
	// serve answers the first request (later ones get a good answer);
	// elsewhere is the address of a second server on another host.
	serve func(w http.ResponseWriter, r *http.Request, elsewhere string)
	// cert, when set, serves over TLS with this certificate.
	cert *certSpec
	// policy adjusts fastPolicy for this row; opts add client options.
	policy func(*planetscale.RetryPolicy)
	opts   []planetscale.Option

	// retried: the client asked again and got the good answer; the one
	// retry event's error is then what is, kind and msg describe.
	// Otherwise the call fails after one request with that error.
	retried bool
	is      error
	kind    planetscale.NetworkKind // checked when is is ErrNoAnswer, ErrTLS or ErrNetwork
	msg     string
	// check, when set, checks more of the error and the retry events.
	check func(t *testing.T, err error, evs events)
}

// errNetwork marks rows whose error must be a *NetworkError of the row's kind.
var errNetwork = errors.New("a *NetworkError")

// faults is the fault matrix. README's fault table lists the same rows.
func faults() []fault {
	rows := []fault{
		{name: "429_without_retry_after", serve: faultStatus(429, "", `{"code":"rate_limited","message":"Rate limit exceeded"}`),
			retried: true, is: planetscale.ErrRateLimited, msg: "429 Too Many Requests (rate_limited: Rate limit exceeded)", check: checkRetryAfter(0, 0, 0, backoff)},
		{name: "429_retry_after_seconds", serve: faultStatus(429, "01", `{"code":"rate_limited"}`), policy: allowRetryAfter,
			retried: true, is: planetscale.ErrRateLimited, msg: "429", check: checkRetryAfter(time.Second, time.Second, time.Second, time.Second)},
		{name: "429_retry_after_http_date", serve: func(w http.ResponseWriter, r *http.Request, _ string) {
			faultStatus(429, time.Now().Add(3*time.Second).UTC().Format(http.TimeFormat), "")(w, r, "")
		}, policy: allowRetryAfter, retried: true, is: planetscale.ErrRateLimited, msg: "429", check: checkRetryAfter(time.Millisecond, 3*time.Second, time.Millisecond, 3*time.Second)},
		{name: "429_retry_after_over_the_cap", serve: faultStatus(429, "3600", ""), retried: true, is: planetscale.ErrRateLimited, msg: "429",
			check: checkRetryAfter(time.Hour, time.Hour, 50*time.Millisecond, 50*time.Millisecond)},
		{name: "429_retry_after_absurd", serve: faultStatus(429, "99999", `{"code":"rate_limited"}`), policy: allowRetryAfter,
			is: planetscale.ErrRateLimited, msg: "gave up after 1 attempt (the server asked to wait 27h46m39s, longer than the time left)", check: checkGaveUpWaiting(99999 * time.Second)},
		{name: "429_retry_after_negative", serve: faultStatus(429, "-5", ""), policy: allowRetryAfter,
			retried: true, is: planetscale.ErrRateLimited, msg: "429", check: checkRetryAfter(0, 0, 0, backoff)},
		{name: "429_retry_after_garbage", serve: faultStatus(429, "soon", ""), policy: allowRetryAfter,
			retried: true, is: planetscale.ErrRateLimited, msg: "429", check: checkRetryAfter(0, 0, 0, backoff)},
		{name: "500_json", serve: faultStatus(500, "", `{"status":500,"error":"Internal Server Error"}`),
			retried: true, is: planetscale.ErrServer, msg: "answered 500 Internal Server Error (Internal Server Error)"},
		{name: "500_text", serve: faultStatus(500, "", "oops\r\n::error::forged"),
			retried: true, is: planetscale.ErrServer, msg: "answered 500 Internal Server Error (oops ::error::forged)"},
		{name: "502_text", serve: faultStatus(502, "", "upstream connect error"), retried: true, is: planetscale.ErrServer, msg: "502 Bad Gateway (upstream connect error)"},
		{name: "503_html", serve: faultStatus(503, "", "<html><head><title>503 Service Temporarily Unavailable</title></head></html>"),
			retried: true, is: planetscale.ErrServer, msg: "503 Service Unavailable (an HTML page instead of JSON: 503 Service Temporarily Unavailable)"},
		{name: "503_retry_after", serve: faultStatus(503, "1", ""), policy: allowRetryAfter, retried: true, is: planetscale.ErrServer, check: checkRetryAfter(time.Second, time.Second, time.Second, time.Second)},
		{name: "504_empty", serve: faultStatus(504, "", ""), retried: true, is: planetscale.ErrServer, msg: "answered 504 Gateway Timeout"},
		{name: "closed_before_answer", serve: faultHangUp(false), retried: true, is: errNetwork, kind: planetscale.NetworkReset,
			msg: "closed the connection before answering"},
		{name: "reset_before_answer", serve: faultHangUp(true), retried: true, is: errNetwork, kind: planetscale.NetworkReset,
			msg: "closed the connection before answering"},
		{name: "reset_mid_body", serve: func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.Header().Set("Content-Length", "1000")
			_, _ = w.Write([]byte(`{"name":"sh`)) // the server closes the connection: the body ends early
		}, retried: true, is: planetscale.ErrTruncated, msg: "cut off"},
		{name: "hung_server", serve: func(_ http.ResponseWriter, r *http.Request, _ string) { <-r.Context().Done() },
			policy:  func(p *planetscale.RetryPolicy) { p.AttemptTimeout = time.Second },
			retried: true, is: planetscale.ErrNoAnswer, kind: planetscale.NetworkTimeout, msg: "no answer from the PlanetScale API at http://127.0.0.1:"},
		{name: "truncated_json", serve: faultStatus(200, "", `{"name":"shop","region":{"slug":`), retried: true, is: planetscale.ErrTruncated, msg: "decode answer: the answer was cut off"},
		{name: "empty_200", serve: faultStatus(200, "", ""), retried: true, is: planetscale.ErrTruncated},
		{name: "not_json_200", serve: faultStatus(200, "", `{"name": nope}`), is: planetscale.ErrUnexpectedResponse, msg: "invalid character"},
		{name: "wrong_shape_200", serve: faultStatus(200, "", `["shop"]`), is: planetscale.ErrUnexpectedResponse, msg: "it is an array, not an object"},
		{name: "html_200", serve: func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "\n  <!DOCTYPE html><html><head><title>Sign in to Wi-Fi</title></head><body>Welcome</body></html>")
		}, is: planetscale.ErrUnexpectedResponse, msg: "an HTML page, not JSON (Sign in to Wi-Fi Welcome)"},
		{name: "body_over_cap", serve: faultOverCap, policy: slowReads, is: planetscale.ErrUnexpectedResponse, msg: "larger than 32 MiB"},
		{name: "gzip_bomb", serve: faultGzipBomb, policy: slowReads, opts: []planetscale.Option{planetscale.WithMaxResponseBody(1 << 20)},
			is: planetscale.ErrUnexpectedResponse, msg: "larger than 1 MiB", check: checkSmallBomb},
		{name: "400_envelope", serve: faultStatus(400, "", `{"code":"bad_request","message":"Invalid page"}`), msg: "answered 400 Bad Request (bad_request: Invalid page)"},
		{name: "401_envelope", serve: faultStatus(401, "", `{"code":"unauthorized","message":"The access token is invalid"}`),
			is: planetscale.ErrUnauthorized, msg: "answered 401 Unauthorized (unauthorized: The access token is invalid)"},
		{name: "401_oauth_style", serve: faultStatus(401, "", `{"error":"invalid_token","error_description":"The access token is invalid"}`),
			is: planetscale.ErrUnauthorized, msg: "answered 401 Unauthorized (invalid_token The access token is invalid)"},
		{name: "403_envelope", serve: faultStatus(403, "", `{"code":"forbidden","message":"Forbidden"}`), is: planetscale.ErrForbidden, msg: "403 Forbidden (forbidden: Forbidden)"},
		{name: "404_envelope", serve: faultStatus(404, "", `{"code":"not_found","message":"Not Found"}`), is: planetscale.ErrNotFound, msg: "404 Not Found (not_found: Not Found)"},
		{name: "404_forged_lines", serve: faultStatus(404, "", `{"code":"not_found\u001b[2J","message":"gone\r\n::error::forged\u2028::stop-commands::x"}`),
			is: planetscale.ErrNotFound, msg: "gone ::error::forged ::stop-commands::x"},
		{name: "404_long_html", serve: faultLongHTML, is: planetscale.ErrNotFound, check: checkShortExcerpt,
			msg: "404 Not Found (an HTML page instead of JSON: Page not found The page you were looking for doesn’t exist. The page"},
		{name: "422_html", serve: faultStatus(422, "", "<html><body>Nope</body></html>"), msg: "422 Unprocessable Entity (an HTML page instead of JSON: Nope)"},
		{name: "tls_unknown_authority", cert: &certSpec{dnsNames: []string{tlsHost}}, is: planetscale.ErrTLS, kind: planetscale.NetworkTLS,
			msg: "the certificate of the PlanetScale API at https://" + tlsHost + ":"},
		{name: "tls_hostname_mismatch_forged_names", cert: &certSpec{dnsNames: []string{"evil\r::error::forged", "x\n::stop-commands::y"}, trusted: true},
			is: planetscale.ErrTLS, kind: planetscale.NetworkTLS, msg: "certificate is valid for evil ::error::forged, x ::stop-commands::y, not " + tlsHost},
		{name: "tls_expired", cert: &certSpec{dnsNames: []string{tlsHost}, expired: true, trusted: true}, is: planetscale.ErrTLS, kind: planetscale.NetworkTLS,
			msg: "expired"},
	}
	rows = append(rows,
		fault{name: "404_html_echoes_the_token", serve: faultEcho(404, "<html><body>%s %s</body></html>"), is: planetscale.ErrNotFound, msg: "xxx ***"},
		fault{name: "401_json_echoes_the_token", serve: faultEcho(401, `{"code":"unauthorized","message":"bad token %[2]s"}`), is: planetscale.ErrUnauthorized, msg: "(unauthorized: bad token ***)"},
		fault{name: "200_html_echoes_the_token", serve: faultEcho(200, "<!DOCTYPE html><html><body>%s %s</body></html>"), is: planetscale.ErrUnexpectedResponse, msg: "xxx ***"},
		fault{name: "redirect_echoes_the_token", serve: func(w http.ResponseWriter, r *http.Request, elsewhere string) {
			http.Redirect(w, r, elsewhere+"/?auth="+url.QueryEscape(r.Header.Get("Authorization")), http.StatusFound)
		}, is: planetscale.ErrUnexpectedResponse, msg: "/?auth=***"},
	)
	for _, code := range []int{301, 302, 303, 307, 308} {
		rows = append(rows, fault{name: fmt.Sprintf("redirect_%d_to_another_host", code), serve: func(w http.ResponseWriter, r *http.Request, elsewhere string) {
			http.Redirect(w, r, elsewhere+r.URL.RequestURI(), code)
		}, is: planetscale.ErrUnexpectedResponse, msg: fmt.Sprintf("a redirect (%d) to \"http://", code)})
	}
	return rows
}

// TestClient_faults runs the fault matrix against GetDatabase. In every
// row, no error text holds a control character or the secret, and the
// second server (another host) never gets a request.
func TestClient_faults(t *testing.T) {
	t.Parallel()

	for _, tt := range faults() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var elsewhere atomic.Int32
			other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
			t.Cleanup(other.Close)
			var requests atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if requests.Add(1) == 1 && tt.serve != nil {
					tt.serve(w, r, other.URL)
					return
				}
				writeJSON(w, http.StatusOK, map[string]any{"name": testDB})
			})
			p := fastPolicy()
			if tt.policy != nil {
				tt.policy(&p)
			}
			var evs events
			opts := append([]planetscale.Option{planetscale.WithRetryPolicy(p), evs.notify()}, tt.opts...)
			url := ""
			if tt.cert != nil {
				var transport planetscale.Option
				url, transport = newTLSServer(t, h, *tt.cert)
				opts = append(opts, transport) // after WithCredentials: options work in any order
			} else {
				srv := httptest.NewServer(h)
				t.Cleanup(srv.Close)
				url = srv.URL
			}

			_, err := newClient(t, url, opts...).GetDatabase(testContext(t), testOrg, testDB)
			wantRequests, wantEvents, got := 1, 0, err
			if tt.retried {
				wantRequests, wantEvents = 2, 1
				if err != nil {
					t.Fatalf("GetDatabase() error = %v, want it to succeed on the second attempt", err)
				}
				if len(evs) > 0 {
					got = evs[0].Err
				}
			}
			if tt.cert != nil && !tt.retried {
				wantRequests = 0 // the handshake failed: no request reached the handler
			}
			if n := int(requests.Load()); n != wantRequests {
				t.Errorf("server got %d requests, want %d", n, wantRequests)
			}
			if len(evs) != wantEvents {
				t.Fatalf("got %d retry events %v, want %d", len(evs), evs, wantEvents)
			}
			checkFault(t, tt, got, evs)
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the other host got %d requests, want none", n)
			}
		})
	}
}

// checkFault checks the row's error: the sentinel, the network kind, the
// text, and that the text is one clean line without the secret.
func checkFault(t *testing.T, tt fault, err error, evs events) {
	t.Helper()
	if err == nil {
		t.Fatal("error = nil, want one")
	}
	var netErr *planetscale.NetworkError
	if (tt.is == errNetwork || tt.kind != planetscale.NetworkOther) && (!errors.As(err, &netErr) || netErr.Kind != tt.kind) {
		t.Errorf("error = %T %v, want a *NetworkError of kind %v", err, err, tt.kind)
	}
	if tt.is != nil && tt.is != errNetwork && !errors.Is(err, tt.is) {
		t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.is)
	}
	msg := err.Error()
	if !strings.Contains(msg, tt.msg) {
		t.Errorf("error = %q, want it to hold %q", msg, tt.msg)
	}
	if sanitize.Line(msg) != msg {
		t.Errorf("error = %q, holds control characters", msg)
	}
	// Not even a part of the secret, as an API that echoes the header and
	// an error that cuts the echo would show.
	if strings.Contains(msg, testSecret[:len("pscale_tkn_")+1]) || strings.Contains(msg, testID) {
		t.Errorf("error = %q, holds (a part of) the credentials", msg)
	}
	if tt.check != nil {
		tt.check(t, err, evs)
	}
}

// status answers with code, an optional Retry-After and body.
func faultStatus(code int, retryAfter, body string) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, _ *http.Request, _ string) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

// hangUp closes the connection without answering; with reset, it makes the
// close a TCP reset.
func faultHangUp(reset bool) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, _ *http.Request, _ string) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		if tcp, ok := conn.(*net.TCPConn); ok && reset {
			_ = tcp.SetLinger(0)
		}
		_ = conn.Close()
	}
}

// faultEcho answers with status and a body made from format with 190 x's
// and the request's Authorization header, so that a 200-character excerpt
// would cut the echoed token in two.
func faultEcho(status int, format string) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, _ string) {
		w.WriteHeader(status)
		fmt.Fprintf(w, format, strings.Repeat("x", 190), r.Header.Get("Authorization"))
	}
}

// faultLongHTML answers 404 with an HTML page longer than the error body cap.
func faultLongHTML(w http.ResponseWriter, _ *http.Request, _ string) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Page not found</title></head><body>\n")
	for range 5000 { // about 150 KiB
		fmt.Fprint(w, "<div class=\"x\">The page you were looking for doesn’t exist.</div>\n")
	}
	fmt.Fprint(w, "</body></html>")
}

// checkShortExcerpt checks that an API error quotes at most 200 characters.
func checkShortExcerpt(t *testing.T, err error, _ events) {
	t.Helper()
	var apiErr *planetscale.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error = %v, want an *APIError", err)
	}
	excerpt := strings.TrimPrefix(apiErr.Message, "an HTML page instead of JSON: ")
	if n := utf8.RuneCountInString(excerpt); n > 200 || !strings.HasSuffix(excerpt, "…") {
		t.Errorf("excerpt = %q (%d characters), want at most 200, ending in …", excerpt, n)
	}
}

// faultOverCap streams a valid JSON object a little bigger than the body cap.
func faultOverCap(w http.ResponseWriter, _ *http.Request, _ string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"name":"shop","notes":"`)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range 33 {
		if _, err := w.Write(chunk); err != nil {
			return // the client hung up
		}
	}
	fmt.Fprint(w, `"}`)
}

// faultBomb is a gzip body of a JSON object that expands to 16 MiB.
var faultBomb = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	fmt.Fprint(zw, `{"name":"shop","notes":"`)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for range 16 {
		_, _ = zw.Write(chunk)
	}
	fmt.Fprint(zw, `"}`)
	_ = zw.Close()
	return b.Bytes()
})

// faultGzipBomb answers with bomb, which Go's transport unzips on the fly.
func faultGzipBomb(w http.ResponseWriter, _ *http.Request, _ string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	_, _ = w.Write(faultBomb())
}

// checkSmallBomb checks that the bomb is a bomb: the cap (1 MiB) must have
// applied to the unzipped bytes, since the bytes sent are far under it.
func checkSmallBomb(t *testing.T, _ error, _ events) {
	t.Helper()
	if n := len(faultBomb()); n > 100<<10 {
		t.Errorf("the gzip bomb is %d bytes on the wire, want under 100 KiB", n)
	}
}

// backoff is the longest backoff wait of fastPolicy.
const backoff = 5 * time.Millisecond

// slowReads gives an attempt as long as the test's deadline allows: reading
// tens of MiB under -race on a loaded machine takes seconds.
func slowReads(p *planetscale.RetryPolicy) { p.AttemptTimeout = 0 }

// allowRetryAfter lets a test honour a Retry-After of a few seconds.
func allowRetryAfter(p *planetscale.RetryPolicy) { p.MaxRetryAfter = 10 * time.Minute }

// checkRetryAfter checks that the API's Retry-After was read as a wait in
// [least, most] (uncapped), and that the retry waited in [waitLeast,
// waitMost]: what was asked, capped at MaxRetryAfter, or the backoff.
func checkRetryAfter(least, most, waitLeast, waitMost time.Duration) func(*testing.T, error, events) {
	return func(t *testing.T, err error, evs events) {
		t.Helper()
		var apiErr *planetscale.APIError
		if !errors.As(err, &apiErr) || apiErr.RetryAfter < least || apiErr.RetryAfter > most {
			t.Fatalf("error = %v, want an *APIError with RetryAfter in [%v, %v]", err, least, most)
		}
		if wait := evs[0].Wait; wait < waitLeast || wait > waitMost {
			t.Errorf("the retry waited %v, want [%v, %v]", wait, waitLeast, waitMost)
		}
	}
}

// checkGaveUpWaiting checks that the client gave up at once because the API
// asked for wait, and reports the wait as asked.
func checkGaveUpWaiting(wait time.Duration) func(*testing.T, error, events) {
	return func(t *testing.T, err error, _ events) {
		t.Helper()
		var gaveUp *planetscale.GaveUpError
		if !errors.As(err, &gaveUp) || gaveUp.Wait != wait || gaveUp.Attempts != 1 {
			t.Errorf("error = %#v, want a *GaveUpError after 1 attempt with Wait %v", err, wait)
		}
	}
}
