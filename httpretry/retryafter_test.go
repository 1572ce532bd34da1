package httpretry_test

import (
	"strings"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// retryAfterNow is the time the Retry-After tests read HTTP dates against.
var retryAfterNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	const unread = -1 // ok false
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{name: "absent", in: "", want: unread},
		{name: "blank", in: "   ", want: unread},
		{name: "seconds", in: "5", want: 5 * time.Second},
		{name: "zero", in: "0", want: 0},
		{name: "seconds_padded", in: " 120 ", want: 2 * time.Minute},
		{name: "leading_zeros", in: "0005", want: 5 * time.Second},
		{name: "absurd_not_capped", in: "99999", want: 99999 * time.Second},
		{name: "largest_that_fits", in: "9223372036", want: 9223372036 * time.Second},
		{name: "overflows_a_duration", in: "9223372037", want: httpretry.MaxRetryAfterWait},
		{name: "ten_billion", in: "10000000000", want: httpretry.MaxRetryAfterWait},
		{name: "overflows_an_int64", in: "99999999999999999999999", want: httpretry.MaxRetryAfterWait},
		{name: "negative", in: "-5", want: unread},
		{name: "plus_sign", in: "+5", want: unread},
		{name: "fraction", in: "1.5", want: unread},
		{name: "trailing_garbage", in: "5s", want: unread},
		{name: "http_date", in: "Fri, 20 Nov 2026 12:00:30 GMT", want: 30 * time.Second},
		{name: "rfc850_date", in: "Friday, 20-Nov-26 12:01:00 GMT", want: time.Minute},
		{name: "asctime_date", in: "Fri Nov 20 12:00:10 2026", want: 10 * time.Second},
		{name: "far_future_date", in: "Fri, 31 Dec 9999 23:59:59 GMT", want: httpretry.MaxRetryAfterWait},
		{name: "past_date", in: "Fri, 20 Nov 2026 11:59:00 GMT", want: 0},
		{name: "ancient_date", in: "Mon, 01 Jan 0001 00:00:00 GMT", want: 0},
		{name: "now", in: "Fri, 20 Nov 2026 12:00:00 GMT", want: 0},
		{name: "garbage", in: "soon", want: unread},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, ok := httpretry.ParseRetryAfter(tt.in, retryAfterNow)
			switch {
			case tt.want == unread && (ok || got != 0):
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want 0, false", tt.in, got, ok)
			case tt.want != unread && (!ok || got != tt.want):
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, true", tt.in, got, ok, tt.want)
			}
		})
	}
}

// FuzzParseRetryAfter checks that any header value reads as a wait in
// [0, MaxRetryAfterWait], in whole seconds when it is a number of seconds
// (never wrapped, however many digits), 0 when it is not read, and never
// panics. Its seeds are in testdata/fuzz/FuzzParseRetryAfter.
func FuzzParseRetryAfter(f *testing.F) {
	f.Add("10000000000")
	f.Fuzz(func(t *testing.T, v string) {
		got, ok := httpretry.ParseRetryAfter(v, retryAfterNow)
		if got < 0 || got > httpretry.MaxRetryAfterWait {
			t.Fatalf("ParseRetryAfter(%q) = %v, want it in [0, %v]", v, got, httpretry.MaxRetryAfterWait)
		}
		if !ok && got != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, false: want 0 when not read", v, got)
		}
		if digits := strings.TrimSpace(v); digits != "" && strings.Trim(digits, "0123456789") == "" {
			if !ok || got%time.Second != 0 {
				t.Fatalf("ParseRetryAfter(%q) = %v, %v; want whole seconds, read", v, got, ok)
			}
			if len(strings.TrimLeft(digits, "0")) > 10 && got != httpretry.MaxRetryAfterWait {
				t.Fatalf("ParseRetryAfter(%q) = %v, want %v (more seconds than a Duration holds)", v, got, httpretry.MaxRetryAfterWait)
			}
		}
	})
}
