package check

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateName(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"acme", "shop-db", "my_db.2", "...", ".x"} {
		if err := ValidateName(name); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{".", "..", "acme/shop", `acme\shop`, "my db", "tab\tdb", "new\nline", "cr\rdb", "db?x", "db#x", "{database}", "db{x"} {
		if err := ValidateName(name); err == nil || !strings.Contains(err.Error(), "not a bare name") {
			t.Errorf("ValidateName(%q) = %v, want an error saying it is not a bare name", name, err)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     time.Duration
		wantErr  string
	}{
		{"empty_is_default", "", 2 * time.Minute, ""},
		{"minutes", "2m", 2 * time.Minute, ""},
		{"seconds", "90s", 90 * time.Second, ""},
		{"whole_seconds", "120", 120 * time.Second, ""},
		{"fraction", "1.5m", 90 * time.Second, ""},
		{"compound", "1h30m", 90 * time.Minute, ""},
		{"lower_bound", "1s", time.Second, ""},
		{"lower_bound_seconds", "1", time.Second, ""},
		{"upper_bound", "6h", 6 * time.Hour, ""},
		{"upper_bound_seconds", "21600", 6 * time.Hour, ""},
		{"word", "soon", 0, "is not a duration"},
		{"unit_only", "m", 0, "is not a duration"},
		{"float_seconds", "1.5", 0, "is not a duration"},
		{"bad_unit", "2 minutes", 0, "is not a duration"},
		{"zero", "0", 0, "out of range"},
		{"zero_duration", "0s", 0, "out of range"},
		{"too_short", "500ms", 0, "out of range"},
		{"negative", "-1m", 0, "out of range"},
		{"negative_seconds", "-120", 0, "out of range"},
		{"too_long", "6h1s", 0, "out of range"},
		{"too_long_seconds", "21601", 0, "out of range"},
		{"days_of_seconds", "86400", 0, "out of range"},
		// (2^55 + 60) seconds wraps to 60s when multiplied by time.Second.
		{"huge_seconds_that_overflow", "36028797018964028", 0, "out of range"},
		{"max_int_seconds", "9223372036854775807", 0, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTimeout(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseTimeout(%q) = %s, want an error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.in) {
					t.Errorf("ParseTimeout(%q) error = %q, want it to contain %q and the value", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTimeout(%q) error = %v, want none", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseTimeout(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestDatabases: a list setting splits on commas and line breaks (CRLF
// too), trims, drops blanks; Databases keeps each name once, in the order
// first given, case kept.
func TestDatabases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw            string
		wantList, want []string
	}{
		{"shop", []string{"shop"}, []string{"shop"}},
		{" shop, ,billing,,", []string{"shop", "billing"}, []string{"shop", "billing"}},
		{"shop\r\nbilling\n\nledger\n", []string{"shop", "billing", "ledger"}, []string{"shop", "billing", "ledger"}},
		{"billing\nshop, billing", []string{"billing", "shop", "billing"}, []string{"billing", "shop"}},
		{"shop,Shop", []string{"shop", "Shop"}, []string{"shop", "Shop"}},
		{" , \n", nil, nil},
	} {
		if got := SplitList(tc.raw); !slices.Equal(got, tc.wantList) {
			t.Errorf("SplitList(%q) = %q, want %q", tc.raw, got, tc.wantList)
		}
		if got := Databases(tc.raw); !slices.Equal(got, tc.want) {
			t.Errorf("Databases(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}
