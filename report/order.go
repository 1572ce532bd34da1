package report

import (
	"github.com/deploy-request-gate/deploy-request-gate/check"
)

// orderStatus words the rule of fail-on: deploy-order that decided a
// request, with an emoji and the rule's stable name: "❌ deploy first
// (additive-undeployed)".
func orderStatus(d check.OrderDecision) string {
	words := map[check.OrderRule]string{
		check.OrderNoChanges:          "➖ no changes",
		check.OrderAdditiveUndeployed: "❌ deploy first",
		check.OrderAdditiveDeployed:   "✅ deployed first",
		check.OrderDropsUnapproved:    "❌ needs approval",
		check.OrderDropsApproved:      "✅ approved, deploy after merge",
		check.OrderDropsDeployedFirst: "⚠️ deployed before the code",
		check.OrderDropsDeployedAfter: "✅ applied",
		check.OrderDeployedUnread:     "✅ applied",
		check.OrderComputing:          "❌ still computing",
		check.OrderUnreadable:         "⛔ operations unreadable",
	}[d.Rule]
	if words == "" {
		words = "❌ " + string(d.Rule)
	}
	return words + " (" + string(d.Rule) + ")"
}

// orderHeadline is the headline under fail-on: deploy-order when requests
// block.
func orderHeadline(blocking int) string {
	return "## ❌ " + Plural(blocking, "deploy request holds", "deploy requests hold") + " the deploy order"
}

// Cards renders the review cards the verdict carries (check.Entry.Card),
// blocking first, within limit bytes with room already used; "" when it
// carries none. Bytes never undercount characters, so a byte limit under
// GitHub's character limit keeps a comment within it too.
func Cards(v check.Verdict, r Report, room, limit int) string {
	var cards []check.Card
	for _, e := range v.BlockingFirst() {
		if e.Card != nil {
			cards = append(cards, *e.Card)
		}
	}
	if len(cards) == 0 {
		return ""
	}
	const heading = "\n---\n"
	body := fitCards(cards, r, room+len(heading), limit)
	if body == "" {
		return ""
	}
	return heading + body
}
