package ghreport

import (
	"slices"
	"strings"
)

// DatabasesMarker returns the marker of the one sticky comment of a run
// over databases of org. For one database it is Marker(org, database), so
// a single-database step keeps the comment it always had. For several it
// is <!-- deploy-request-gate:ORG/DB1,DB2 -->: the names sorted (the order
// of the database input does not matter), each percent-encoded as Marker
// does, so a comma only ever separates names. A step that lists another
// set of databases has another comment.
func DatabasesMarker(org string, databases []string) string {
	if len(databases) == 1 {
		return Marker(org, databases[0])
	}
	names := make([]string, len(databases))
	for i, db := range databases {
		names[i] = markerEscape(db)
	}
	slices.Sort(names)
	return markerPrefix + markerEscape(org) + "/" + strings.Join(names, ",") + " -->"
}
