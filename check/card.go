package check

// Card is what the review card shows of one matched deploy request: what
// its schema change does, whether PlanetScale can deploy it, who approved
// it, and what could not be read. Every string in it but Unread's What
// comes from outside: a front end sanitizes and escapes it.
type Card struct {
	Number     int
	Branch     string
	IntoBranch string
	// URL is the request's page on PlanetScale (html_url).
	URL string
	// DeploymentState is the API's deployment_state.
	DeploymentState string
	Approved        bool
	// Blocking is true when the request holds the gate.
	Blocking bool
	// Order is the fail-on: deploy-order decision; nil under another
	// policy.
	Order *OrderDecision
	// Deployment is nil when it could not be read (see Unread).
	Deployment *CardDeployment
	// Operations are the request's operations, in the API's order;
	// OperationsRead is false when they could not be read (see Unread).
	Operations     []Operation
	OperationsRead bool
	// Reviews are the request's reviews, oldest first; ReviewsRead is
	// false when they could not be read (see Unread).
	Reviews     []Review
	ReviewsRead bool
	// Unread lists what could not be read, and why.
	Unread []Unread
}

// CardDeployment is what the deploy request's deployment says about
// deploying it.
type CardDeployment struct {
	// Deployable is PlanetScale's deployment.deployable.
	Deployable bool
	// InstantDDLEligible is true when the change can be deployed as
	// instant DDL.
	InstantDDLEligible bool
	// QueuePaused is true when the target branch's deploy queue is paused;
	// QueuePauseReason says why, when PlanetScale knows.
	QueuePaused      bool
	QueuePauseReason string
	// DeployCheckErrors is PlanetScale's deploy_check_errors, if any.
	DeployCheckErrors string
	// LintErrors are the schema lint errors that prevent deploying it.
	LintErrors []LintError
}

// LintError is one schema lint error of a deployment.
type LintError struct {
	// Code is the API's lint_error, such as "NO_UNIQUE_KEY".
	Code        string
	Table       string
	Description string
	// DocsURL links to PlanetScale's explanation.
	DocsURL string
}

// Unread is one thing the card could not read.
type Unread struct {
	// What names it: "operations", "reviews", "deployment".
	What string
	// Why says why, such as the API's error (outside text).
	Why string
	// Grant names the access the token lacks when the API answered 404
	// ("read_deploy_request"); empty otherwise.
	Grant string
}

// Approvals returns the reviews that approved, in their order.
func (c Card) Approvals() []Review {
	return where(c.Reviews, func(r Review) bool { return r.Approved })
}

// DropsData reports whether an operation of the request can drop data.
func (c Card) DropsData() bool { return len(DropTables(c.Operations)) > 0 }
