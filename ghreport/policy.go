package ghreport

import (
	"fmt"
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// CommentPolicy is the comment input: when a pull request gets the
// sticky comment.
type CommentPolicy string

// The comment input's values.
const (
	CommentAlways    CommentPolicy = "always"
	CommentOnFailure CommentPolicy = "on-failure"
	CommentNever     CommentPolicy = "never"
)

// ParseCommentPolicy reads the comment input ("" means on-failure).
func ParseCommentPolicy(s string) (CommentPolicy, error) {
	switch p := CommentPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return CommentOnFailure, nil
	case CommentAlways, CommentOnFailure, CommentNever:
		return p, nil
	}
	return "", fmt.Errorf("input \"comment\" is %q: use always, on-failure or never", sanitize.Line(s))
}

// CommentAction is what happens to the sticky comment.
type CommentAction int

// The comment actions.
const (
	// CommentSkip leaves the pull request without a comment.
	CommentSkip CommentAction = iota
	// CommentCreate posts a new comment.
	CommentCreate
	// CommentUpdate edits the existing comment in place.
	CommentUpdate
	// CommentUnchanged is an update whose body was already there: no request.
	CommentUnchanged
)

func (a CommentAction) String() string {
	switch a {
	case CommentCreate:
		return "created"
	case CommentUpdate:
		return "updated"
	case CommentUnchanged:
		return "unchanged"
	}
	return "skipped"
}

// DecideComment says what to do with the sticky comment: never touches
// nothing; an existing comment is always updated (so one that said the
// gate failed says it passes now); otherwise always creates one, and
// on-failure creates one only when the gate did not pass.
func DecideComment(p CommentPolicy, passed, exists bool) CommentAction {
	switch {
	case p != CommentAlways && p != CommentOnFailure:
		return CommentSkip
	case exists:
		return CommentUpdate
	case p == CommentAlways || !passed:
		return CommentCreate
	}
	return CommentSkip
}

// markerPrefix starts every marker.
const markerPrefix = "<!-- deploy-request-gate:"

// Marker returns the hidden marker that finds the sticky comment of one
// organization and database: <!-- deploy-request-gate:ORG/DB -->. Any
// character outside A-Z a-z 0-9 . _ - is percent-encoded, so a name can
// neither end the HTML comment nor make one marker the start of another.
func Marker(org, database string) string {
	return markerPrefix + markerEscape(org) + "/" + markerEscape(database) + " -->"
}

func markerEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// checkMarker refuses a marker that Marker did not make.
func checkMarker(m string) error {
	if !strings.HasPrefix(m, markerPrefix) || !strings.HasSuffix(m, " -->") || strings.Count(m, "-->") != 1 || sanitize.Line(m) != m {
		return fmt.Errorf("comment marker %q was not made by Marker", sanitize.Line(m))
	}
	return nil
}

// hasMarker reports whether a comment body starts with marker, as the
// bodies this package writes do.
func hasMarker(body, marker string) bool {
	return strings.HasPrefix(strings.TrimLeft(body, " \t\r\n"), marker)
}
