package planetscale

import (
	"strings"
	"testing"
	"time"
)

// retryAfterNow is the time the Retry-After tests read HTTP dates against.
var retryAfterNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{name: "absent", in: "", want: 0},
		{name: "seconds", in: "5", want: 5 * time.Second},
		{name: "zero", in: "0", want: 0},
		{name: "seconds_padded", in: " 120 ", want: 2 * time.Minute},
		{name: "leading_zeros", in: "0005", want: 5 * time.Second},
		{name: "absurd_not_capped", in: "99999", want: 99999 * time.Second},
		{name: "largest_that_fits", in: "9223372036", want: 9223372036 * time.Second},
		{name: "overflows_a_duration", in: "9223372037", want: maxRetryAfter},
		{name: "overflows_an_int64", in: "99999999999999999999999", want: maxRetryAfter},
		{name: "negative", in: "-5", want: 0},
		{name: "plus_sign", in: "+5", want: 0},
		{name: "fraction", in: "1.5", want: 0},
		{name: "trailing_garbage", in: "5s", want: 0},
		{name: "http_date", in: "Fri, 20 Nov 2026 12:00:30 GMT", want: 30 * time.Second},
		{name: "rfc850_date", in: "Friday, 20-Nov-26 12:01:00 GMT", want: time.Minute},
		{name: "asctime_date", in: "Fri Nov 20 12:00:10 2026", want: 10 * time.Second},
		{name: "far_future_date", in: "Fri, 31 Dec 9999 23:59:59 GMT", want: maxRetryAfter},
		{name: "past_date", in: "Fri, 20 Nov 2026 11:59:00 GMT", want: 0},
		{name: "ancient_date", in: "Mon, 01 Jan 0001 00:00:00 GMT", want: 0},
		{name: "now", in: "Fri, 20 Nov 2026 12:00:00 GMT", want: 0},
		{name: "garbage", in: "soon", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got, want := parseRetryAfter(tt.in, retryAfterNow), tt.want; got != want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// FuzzParseRetryAfter checks that any header value reads as a wait in
// [0, maxRetryAfter], in whole seconds when it is a number of seconds, and
// never panics. Its seeds are in testdata/fuzz/FuzzParseRetryAfter.
func FuzzParseRetryAfter(f *testing.F) {
	f.Fuzz(func(t *testing.T, v string) {
		got := parseRetryAfter(v, retryAfterNow)
		if got < 0 || got > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v, want it in [0, %v]", v, got, maxRetryAfter)
		}
		if digits := strings.TrimSpace(v); digits != "" && strings.Trim(digits, "0123456789") == "" && got%time.Second != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v, want whole seconds", v, got)
		}
	})
}
