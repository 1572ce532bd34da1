package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// A list that moves while it is read: once page 1 is served, its first
// request closes, so the first request of page 2 slides onto page 1 unseen.
// A rewrite then drops next_page from every page.
func ExampleServer_AfterPage() {
	tok := sandbox.Token{ID: "example00001", Secret: "pscale_tkn_example", Grants: map[string][]string{"acme/shop": {"read_deploy_request"}}}
	var drs []sandbox.DeployRequest
	for n := 6; n >= 1; n-- {
		drs = append(drs, sandbox.DeployRequest{Number: n, State: "open", Approved: n != 3})
	}
	s := sandbox.New(sandbox.WithToken(tok), sandbox.WithDatabase(sandbox.Database{Organization: "acme", Name: "shop", DeployRequests: drs}),
		sandbox.WithRewrite(func(route string, body map[string]any) map[string]any {
			if route == sandbox.RouteDeployRequests {
				delete(body, "next_page")
			}
			return body
		}))
	s.AfterPage(func(p sandbox.ServedPage) {
		if p.Route == sandbox.RouteDeployRequests && p.Page == 1 {
			_ = s.UpdateDeployRequests("acme", "shop", func(drs []sandbox.DeployRequest) []sandbox.DeployRequest {
				drs[0].State = "closed"
				return drs
			})
		}
	})
	srv := httptest.NewServer(s)
	defer srv.Close()

	for page := 1; page <= 2; page++ {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/organizations/acme/databases/shop/deploy-requests?state=open&per_page=3&page=%d", srv.URL, page), nil)
		req.Header.Set("Authorization", tok.ID+":"+tok.Secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		var body struct {
			NextPage *int `json:"next_page"`
			Data     []struct {
				Number   int  `json:"number"`
				Approved bool `json:"approved"`
			} `json:"data"`
		}
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		fmt.Printf("page %d: next_page %v, items %+v\n", page, body.NextPage, body.Data)
	}
	// Output:
	// page 1: next_page <nil>, items [{Number:6 Approved:true} {Number:5 Approved:true} {Number:4 Approved:true}]
	// page 2: next_page <nil>, items [{Number:2 Approved:true} {Number:1 Approved:true}]
}
