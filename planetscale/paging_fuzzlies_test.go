package planetscale_test

import (
	"slices"
	"strconv"
	"strings"
)

// The lies FuzzListDeployRequests's API tells, one a page of its walk.
const (
	lieDrop          = iota // leave out an item
	lieRepeat               // send an item twice
	lieSwap                 // reorder the page (harmless)
	lieTotal                // alter total_count, or send one without total_count
	lieNoTotal              // leave out total_count (harmless)
	lieNoNext               // leave out next_page, keeping next_page_url
	lieCut                  // next_page null: the list ends here
	lieNext                 // next_page that does not advance or skips
	lieCurrent              // another current_page
	lieNoCurrent            // leave out current_page (harmless)
	lieEcho                 // the items of another page
	lieKeyCase              // a required key in capitals
	lieApprovedCase         // "APPROVED" beside "approved", the other way
	lieApprovedTwice        // "approved" twice, the second the other way
	lieMissing              // leave out a required field
	lieNull                 // a required field null
	lieNumberText           // the number as a string
	lieRateLimited          // a 429 (harmless)
	lieEnvelopeCase         // an envelope key in another case
	lieForeign              // an item of another page, approval flipped
	lieNumber               // the number 0 or negative
	lieDeployable           // "Deployable" beside "deployable", the other way
	lieKinds
)

// harmless reports whether every lie told loses nothing.
func (s *fuzzScript) harmless() bool {
	for _, kind := range s.applied {
		switch kind {
		case lieSwap, lieNoTotal, lieNoCurrent, lieRateLimited:
		default:
			return false
		}
	}
	return true
}

var requiredFields = []string{"number", "branch", "into_branch", "approved", "state", "deployment_state"}

// edit tells the page's lie, once, in the script's walk.
func (s *fuzzScript) edit(a *fakeAPI, c fakeCall, env jsonObject, items []jsonObject) (jsonObject, []jsonObject) {
	lie, ok := s.lies[c.Page]
	if c.Walk != s.walk || !ok || s.used[c.Page] {
		return env, items
	}
	kind, arg := lie[0], lie[1]
	if s.noTotal && c.Page == 1 && removes(kind) {
		// Without total_count, a one-page list whose items the API drops
		// cannot be told from a shorter list: no client can see this lie.
		if next, _ := env.get("next_page"); next == "null" || kind == lieCut {
			return env, items
		}
	}
	s.used[c.Page] = true
	s.applied = append(s.applied, kind)
	env = tellEnvelopeLie(kind, arg, c.Page, env)
	if len(items) == 0 && kind != lieEcho {
		return env, items
	}
	i := arg % max(len(items), 1)
	switch kind {
	case lieDrop:
		items = slices.Delete(items, i, i+1)
	case lieRepeat:
		items = append(items, items[i])
	case lieSwap:
		items[0], items[i] = items[i], items[0]
	case lieEcho:
		_, items = a.page(1 + arg%4)
	case lieForeign:
		_, other := a.page(1 + arg%4)
		if len(other) > 0 {
			o := other[arg%len(other)]
			raw, _ := o.get("approved")
			items = append(items, o.set("approved", raw != "true"))
		}
	default:
		items[i] = tellItemLie(kind, arg, items[i])
	}
	return env, items
}

// removes reports whether a lie can leave items out.
func removes(kind int) bool {
	return kind == lieDrop || kind == lieCut || kind == lieEcho
}

// tellEnvelopeLie alters the envelope of page for the lies that do.
func tellEnvelopeLie(kind, arg, page int, env jsonObject) jsonObject {
	switch kind {
	case lieTotal:
		raw, ok := env.get("total_count")
		total := 0
		if ok {
			total, _ = strconv.Atoi(raw)
			total += arg%7 - 3
		}
		if arg%7 == 3 {
			total++
		}
		env = env.set("total_count", total)
	case lieNoTotal:
		env = env.drop("total_count")
	case lieNoNext:
		env = env.drop("next_page")
	case lieCut:
		env = env.set("next_page", nil).set("next_page_url", nil)
	case lieNext:
		env = env.set("next_page", []int{page, page + 2, 0}[arg%3])
	case lieCurrent:
		env = env.set("current_page", page+1+arg%3)
	case lieNoCurrent:
		env = env.drop("current_page")
	case lieEnvelopeCase:
		key := []string{"next_page", "total_count", "current_page"}[arg%3]
		if raw, ok := env.get(key); ok {
			env = env.add(strings.ToUpper(key[:1])+key[1:], jsonRaw(raw))
		}
	}
	return env
}

// tellItemLie alters one item for the lies that do.
func tellItemLie(kind, arg int, item jsonObject) jsonObject {
	field := requiredFields[arg%len(requiredFields)]
	approved, _ := item.get("approved")
	switch kind {
	case lieKeyCase:
		return item.rename(field, strings.ToUpper(field))
	case lieApprovedCase:
		return item.add("APPROVED", approved != "true")
	case lieApprovedTwice:
		return item.add("approved", approved != "true")
	case lieMissing:
		return item.drop(field)
	case lieNull:
		return item.set(field, nil)
	case lieNumberText:
		raw, _ := item.get("number")
		return item.set("number", raw)
	case lieNumber:
		return item.set("number", -(arg % 2))
	case lieDeployable:
		return item.set("deployment", jsonRaw(`{"state":"ready","deployable":false,"Deployable":true}`))
	}
	return item
}

// fuzzSeed encodes a script for parseFuzzScript: n requests numbered n
// down to 1, of which approved picks the approved; changes are (op,
// target, arg) and lies (page, kind, arg).
func fuzzSeed(n, perPage int, noTotal bool, approved func(number int) bool, walk, changeAt int, changes, lies [][3]int) []byte {
	b := []byte{byte(n), byte(perPage - 1), 0}
	if noTotal {
		b[2] = 1
	}
	for i := range n {
		if approved(n - i) {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	b = append(b, byte(walk-1), byte(changeAt), byte(len(changes)))
	for _, c := range changes {
		b = append(b, byte(c[0]), byte(c[1]), byte(c[2]))
	}
	b = append(b, byte(len(lies)))
	for _, l := range lies {
		b = append(b, byte(l[0]-1), byte(l[1]), byte(l[2]))
	}
	return b
}

// topFiveApproved approves #12 to #8: page 1 of 12 requests, 5 a page.
func topFiveApproved(n int) bool { return n > 7 }

// fuzzSeeds are the cases, as scripts; testdata/fuzz holds them too.
var fuzzSeeds = [][]byte{
	// The list holds still.
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, nil),
	fuzzSeed(0, 5, false, topFiveApproved, 1, 0, nil, nil),
	// Approved #12 on page 1 is closed after page 1: #7 slides up.
	fuzzSeed(12, 5, true, topFiveApproved, 1, 2, [][3]int{{0, 0, 0}}, nil),
	fuzzSeed(12, 5, false, topFiveApproved, 1, 2, [][3]int{{0, 0, 0}}, nil),
	// ... during a 429 before page 2.
	fuzzSeed(12, 5, true, topFiveApproved, 1, 2, [][3]int{{0, 0, 0}}, [][3]int{{2, lieRateLimited, 0}}),
	// A close and an open keep total_count.
	fuzzSeed(12, 5, false, topFiveApproved, 1, 2, [][3]int{{0, 1, 0}, {1, 0, 0}}, nil),
	// An approval flips between reads.
	fuzzSeed(12, 5, false, topFiveApproved, 2, 1, [][3]int{{2, 3, 0}}, nil),
	// #12 approved on page 1, a copy not approved on page 2.
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{2, lieForeign, 0}}),
	// Items without number; a number 0.
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{1, lieMissing, 0}}),
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{2, lieNumber, 0}}),
	// Page 2 echoes page 1.
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{2, lieEcho, 0}}),
	// The list ends early: next_page null, or no next_page key.
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{1, lieCut, 0}}),
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{1, lieNoNext, 0}}),
	fuzzSeed(12, 5, true, topFiveApproved, 2, 0, nil, [][3]int{{2, lieDrop, 1}}),
	// "APPROVED" beside "approved", "approved" twice, into_branch missing.
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{2, lieApprovedCase, 0}}),
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{1, lieApprovedTwice, 0}}),
	fuzzSeed(12, 5, false, topFiveApproved, 1, 0, nil, [][3]int{{3, lieMissing, 2}}),
	// A change and lies in one read.
	fuzzSeed(12, 3, true, topFiveApproved, 2, 2, [][3]int{{4, 9, 0}, {2, 1, 0}}, [][3]int{{1, lieSwap, 2}, {3, lieTotal, 5}, {4, lieRepeat, 1}}),
}
