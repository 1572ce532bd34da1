package planetscale

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestAPIError_temporary(t *testing.T) {
	t.Parallel()

	for status, want := range map[int]bool{
		400: false, 401: false, 403: false, 404: false, 409: false, 422: false,
		429: true, 500: true, 502: true, 503: true, 504: true,
	} {
		if got := (&APIError{StatusCode: status}).temporary(); got != want {
			t.Errorf("APIError{%d}.temporary() = %v, want %v", status, got, want)
		}
	}
}

func TestNewAPIError(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, body, retryAfter           string
		status                           int
		wantCode, wantMessage, wantError string
		wantWait                         time.Duration
	}{
		{
			name:        "envelope_not_found",
			status:      http.StatusNotFound,
			body:        `{"code":"not_found","message":"Not Found"}`,
			wantCode:    "not_found",
			wantMessage: "Not Found",
			wantError:   "PlanetScale API answered 404 Not Found (not_found: Not Found)",
		},
		{
			name:        "envelope_code_only",
			status:      http.StatusUnauthorized,
			body:        `{"code":"unauthorized"}`,
			wantCode:    "unauthorized",
			wantError:   "PlanetScale API answered 401 Unauthorized (unauthorized)",
			wantMessage: "",
		},
		{
			name:        "status_error_body",
			status:      http.StatusInternalServerError,
			body:        `{"status":500,"error":"Internal Server Error"}`,
			wantMessage: "Internal Server Error",
			wantError:   "PlanetScale API answered 500 Internal Server Error (Internal Server Error)",
		},
		{
			name:        "oauth_style",
			status:      http.StatusUnauthorized,
			body:        `{"error":"invalid_token","error_description":"The access token expired"}`,
			wantMessage: "invalid_token The access token expired",
			wantError:   "PlanetScale API answered 401 Unauthorized (invalid_token The access token expired)",
		},
		{
			name:        "rate_limited_with_retry_after",
			status:      http.StatusTooManyRequests,
			body:        `{"code":"rate_limited","message":"Rate limit exceeded"}`,
			retryAfter:  "7",
			wantCode:    "rate_limited",
			wantMessage: "Rate limit exceeded",
			wantError:   "PlanetScale API answered 429 Too Many Requests (rate_limited: Rate limit exceeded)",
			wantWait:    7 * time.Second,
		},
		{
			name:        "multi_line_message",
			status:      http.StatusBadRequest,
			body:        `{"code":"bad_request","message":"first line\nsecond\tline"}`,
			wantCode:    "bad_request",
			wantMessage: "first line second line",
			wantError:   "PlanetScale API answered 400 Bad Request (bad_request: first line second line)",
		},
		{
			name:        "html",
			status:      http.StatusBadGateway,
			body:        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>",
			wantMessage: "an HTML page instead of JSON: 502 Bad Gateway Bad Gateway",
			wantError:   "PlanetScale API answered 502 Bad Gateway (an HTML page instead of JSON: 502 Bad Gateway Bad Gateway)",
		},
		{
			name:        "plain_text",
			status:      http.StatusServiceUnavailable,
			body:        "upstream connect error\n",
			wantMessage: "upstream connect error",
			wantError:   "PlanetScale API answered 503 Service Unavailable (upstream connect error)",
		},
		{
			name:        "json_without_known_fields",
			status:      http.StatusInternalServerError,
			body:        `{"oops":true}`,
			wantMessage: `{"oops":true}`,
			wantError:   `PlanetScale API answered 500 Internal Server Error ({"oops":true})`,
		},
		{
			name:        "comparison_in_message",
			status:      http.StatusUnprocessableEntity,
			body:        `{"code":"invalid_params","message":"per_page must be <= 100 and >= 1"}`,
			wantCode:    "invalid_params",
			wantMessage: "per_page must be <= 100 and >= 1",
			wantError:   "PlanetScale API answered 422 Unprocessable Entity (invalid_params: per_page must be <= 100 and >= 1)",
		},
		{
			name:        "control_characters",
			status:      http.StatusNotFound,
			body:        `{"code":"not_found\r\n::error::x","message":"a\u001b[2Jb\r::stop-commands::y"}`,
			wantCode:    "not_found  ::error::x",
			wantMessage: "a [2Jb ::stop-commands::y",
			wantError:   "PlanetScale API answered 404 Not Found (not_found  ::error::x: a [2Jb ::stop-commands::y)",
		},
		{
			name:      "empty",
			status:    http.StatusBadGateway,
			wantError: "PlanetScale API answered 502 Bad Gateway",
		},
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			res := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if tt.retryAfter != "" {
				res.Header.Set("Retry-After", tt.retryAfter)
			}
			e := newAPIError(res, []byte(tt.body), now, nil)
			if got, want := e.StatusCode, tt.status; got != want {
				t.Errorf("StatusCode = %d, want %d", got, want)
			}
			if got, want := e.Code, tt.wantCode; got != want {
				t.Errorf("Code = %q, want %q", got, want)
			}
			if got, want := e.Message, tt.wantMessage; got != want {
				t.Errorf("Message = %q, want %q", got, want)
			}
			if got, want := e.Error(), tt.wantError; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
			if got, want := e.RetryAfter, tt.wantWait; got != want {
				t.Errorf("RetryAfter = %v, want %v", got, want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()

	tests := []struct{ name, in, want string }{
		{name: "empty", in: "", want: ""},
		{name: "plain", in: "  Bad   Gateway ", want: "Bad Gateway"},
		{name: "lines", in: "line one\nline two\r\nline\tthree", want: "line one line two line three"},
		{name: "tags", in: "<h1>Service</h1><p>Unavailable</p>", want: "Service Unavailable"},
		{name: "control_characters", in: "a\x00b\x1bc", want: "a b c"},
		{name: "invalid_utf8", in: "a\xffb", want: "a\uFFFDb"},
		{name: "workflow_command", in: "x\r::error::forged\u2028::stop-commands::y\u0085z", want: "x ::error::forged ::stop-commands::y z"},
		{name: "bidi_override", in: "safe\u202eevil", want: "safe evil"},
		{name: "exactly_200", in: strings.Repeat("x", 200), want: strings.Repeat("x", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got, want := excerpt(tt.in), tt.want; got != want {
				t.Errorf("excerpt(%q) = %q, want %q", tt.in, got, want)
			}
		})
	}
}

func TestExcerpt_long(t *testing.T) {
	t.Parallel()

	for _, in := range []string{
		strings.Repeat("a", 201),
		strings.Repeat("é", 1000),
		strings.Repeat("日本語 ", 500),
		strings.Repeat("<b>bold</b> text\n", 300),
	} {
		got := excerpt(in)
		if n, max := utf8.RuneCountInString(got), 200; n > max {
			t.Errorf("excerpt(%.20q…) has %d runes, want at most %d", in, n, max)
		}
		if !strings.HasSuffix(got, "…") {
			t.Errorf("excerpt(%.20q…) = %.30q…, want it to end with … to show it was cut", in, got)
		}
		if !utf8.ValidString(got) {
			t.Errorf("excerpt(%.20q…) is not valid UTF-8", in)
		}
		if strings.ContainsAny(got, "\n<>") {
			t.Errorf("excerpt(%.20q…) = %q, want one line without tags", in, got)
		}
	}
}
