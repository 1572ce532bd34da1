package check

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// Explain turns an error from listing deploy requests into sentences that
// say what went wrong and how to fix it, followed by the error itself. It
// never includes the token: the client's errors do not carry it.
func Explain(err error, cfg *Config) string {
	var (
		apiErr    *planetscale.APIError
		netErr    *planetscale.NetworkError
		gaveUp    *planetscale.GaveUpError
		pagingErr *planetscale.PagingError
	)
	org, db := cfg.Organization, cfg.Database
	var why string
	switch {
	case errors.As(err, &gaveUp) && gaveUp.Last == nil:
		why = fmt.Sprintf("No answer from the PlanetScale API at %s within the timeout (%s). Re-run the job, or raise the `timeout` input.", cfg.APIURL, cfg.Timeout)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		why = "PlanetScale rejected the service token (401 Unauthorized): it is wrong, expired or was deleted. " +
			"Create a service token under Settings → Service tokens in PlanetScale and store ID:TOKEN in the secret you pass as `service-token`."
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		why = fmt.Sprintf("PlanetScale refused the request (403 Forbidden): the service token may not read deploy requests of %q. "+
			"Grant it `read_deploy_request` on database %q (Settings → Service tokens → the token → Database access).", db, db)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
		why = fmt.Sprintf("Organization %q or database %q not found, or the service token lacks `read_deploy_request` on %q (PlanetScale answers 404 for a missing grant). "+
			"Check both names against the database's address, app.planetscale.com/%s/%s, and grant the token `read_deploy_request` on %q.", org, db, db, org, db, db)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests:
		why = "The PlanetScale API kept answering 429 Too Many Requests: its rate limit (600 requests a minute) was reached. " +
			"Re-run the job later, run fewer jobs with the same token at once, or raise the `timeout` input so the gate can wait longer."
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		why = fmt.Sprintf("The PlanetScale API kept failing (%d %s). PlanetScale may be having trouble: re-run the job later (status: https://www.planetscalestatus.com).",
			apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	case errors.As(err, &apiErr):
		why = fmt.Sprintf("PlanetScale rejected the request (%d %s). Check the `branch` and `into-branch` inputs.", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	case errors.As(err, &netErr):
		why = fmt.Sprintf("Could not reach the PlanetScale API at %s. Check the `api-url` input and the runner's network (DNS, proxy, firewall), then re-run the job.", cfg.APIURL)
	case errors.As(err, &pagingErr):
		why = "The PlanetScale API's pages did not add up, so the gate stopped rather than miss a deploy request. Re-run the job; if it happens again, report it."
	case errors.Is(err, planetscale.ErrUnexpectedResponse):
		why = fmt.Sprintf("The API at %s did not answer like the PlanetScale API. Check the `api-url` input (the default is %s).", cfg.APIURL, planetscale.DefaultBaseURL)
	default:
		why = "The gate could not list the deploy requests."
	}
	if cfg.Credentials.OAuth && errors.As(err, &apiErr) && apiErr.StatusCode >= 401 && apiErr.StatusCode <= 404 {
		why += " With an OAuth token (pscale_oauth_…), the token needs the `read_deploy_requests` scope on the organization or database instead of a service token grant."
	}
	return why + "\n" + "Error: " + err.Error()
}
