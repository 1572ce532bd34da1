package ghreport

import "testing"

func TestDatabasesMarker(t *testing.T) {
	if got, want := DatabasesMarker("acme", []string{"shop"}), Marker("acme", "shop"); got != want {
		t.Errorf("one database: %q, want the single-database marker %q", got, want)
	}
	got := DatabasesMarker("acme", []string{"shop", "billing", "a,b"})
	if want := "<!-- deploy-request-gate:acme/a%2Cb,billing,shop -->"; got != want {
		t.Errorf("several: %q, want %q", got, want)
	}
	if err := checkMarker(got); err != nil {
		t.Errorf("checkMarker refuses it: %v", err)
	}
	if DatabasesMarker("acme", []string{"billing", "shop"}) != DatabasesMarker("acme", []string{"shop", "billing"}) {
		t.Error("the order of the names changes the marker")
	}
	if hasMarker(got, Marker("acme", "a")) || hasMarker(Marker("acme", "shop"), DatabasesMarker("acme", []string{"shop", "billing"})) {
		t.Error("one marker is the start of another")
	}
}
