package httpretry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfterWait is the longest wait a Retry-After header can stand for:
// the largest whole number of seconds a time.Duration holds (about 292
// years). A longer one is reported as this, never as a negative or wrapped
// value.
const MaxRetryAfterWait = time.Duration(1<<63-1) / time.Second * time.Second

// ParseRetryAfter reads a Retry-After header value (RFC 9110 §10.2.3):
// delay seconds (1*DIGIT, leading zeros allowed) or an HTTP date, read
// against now. It returns the wait asked for, uncapped but at most
// MaxRetryAfterWait, with ok true; a date not after now is a wait of 0.
// An absent or unreadable value (a sign, a fraction, a unit, garbage) gives
// 0 and ok false. It is the one Retry-After parser every client shares.
func ParseRetryAfter(v string, now time.Time) (wait time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" { // delay-seconds
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(MaxRetryAfterWait/time.Second) {
			return MaxRetryAfterWait, true // more seconds than a Duration holds
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now) // Sub saturates instead of overflowing
	if d <= 0 {
		return 0, true
	}
	return min(d, MaxRetryAfterWait), true
}
