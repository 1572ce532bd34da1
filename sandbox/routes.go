package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Route names, as Request.Route, ServedPage.Route and rewrites see them.
const (
	RouteOrganizations  = "organizations"   // GET /v1/organizations
	RouteOrganization   = "organization"    // GET /v1/organizations/{org}
	RouteDatabases      = "databases"       // GET /v1/organizations/{org}/databases
	RouteDatabase       = "database"        // GET /v1/organizations/{org}/databases/{db}
	RouteBranches       = "branches"        // GET …/databases/{db}/branches
	RouteDeployRequests = "deploy-requests" // GET …/databases/{db}/deploy-requests
	RouteDeployRequest  = "deploy-request"  // GET …/databases/{db}/deploy-requests/{number}
	RouteDeployment     = "deployment"      // GET …/deploy-requests/{number}/deployment
	RouteOperations     = "operations"      // GET …/deploy-requests/{number}/operations
	RouteReviews        = "reviews"         // GET …/deploy-requests/{number}/reviews
)

// route is one endpoint of the API.
type route struct {
	name    string
	pattern string
	// list marks a paged list: page faults and paging bugs apply to it.
	list  bool
	serve func(s *Server, w http.ResponseWriter, r *http.Request, t Token)
}

const dbPattern = "GET /v1/organizations/{org}/databases/{db}"

var routeTable = []route{
	{RouteOrganizations, "GET /v1/organizations", true, (*Server).listOrganizations},
	{RouteOrganization, "GET /v1/organizations/{org}", false, (*Server).getOrganization},
	{RouteDatabases, "GET /v1/organizations/{org}/databases", true, (*Server).listDatabases},
	{RouteDatabase, dbPattern, false, (*Server).getDatabase},
	{RouteBranches, dbPattern + "/branches", true, (*Server).listBranches},
	{RouteDeployRequests, dbPattern + "/deploy-requests", true, (*Server).listDeployRequests},
	{RouteDeployRequest, dbPattern + "/deploy-requests/{number}", false, (*Server).getDeployRequest},
	{RouteDeployment, dbPattern + "/deploy-requests/{number}/deployment", false, (*Server).getDeployment},
	{RouteOperations, dbPattern + "/deploy-requests/{number}/operations", true, (*Server).listOperations},
	{RouteReviews, dbPattern + "/deploy-requests/{number}/reviews", true, (*Server).listReviews},
}

// newMux routes the table on a ServeMux with Go 1.22 patterns.
func (s *Server) newMux() (*http.ServeMux, map[string]*route) {
	mux := http.NewServeMux()
	byPattern := map[string]*route{}
	for i := range routeTable {
		rt := &routeTable[i]
		byPattern[rt.pattern] = rt
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			t, _ := r.Context().Value(tokenKey{}).(Token)
			rt.serve(s, w, r, t)
		})
	}
	return mux, byPattern
}

// organizations returns the declared organizations, then those only named
// by a database; s.mu must be held.
func (s *Server) organizations() []Organization {
	orgs := slices.Clone(s.orgs)
	for _, db := range s.databases {
		if !slices.ContainsFunc(orgs, func(o Organization) bool { return o.Name == db.Organization }) {
			orgs = append(orgs, Organization{Name: db.Organization})
		}
	}
	return orgs
}

// databasesOf returns an organization's databases, copied; s.mu must be held.
func (s *Server) databasesOf(org string) []Database {
	var out []Database
	for _, db := range s.databases {
		if db.Organization == org {
			db.DeployRequests = slices.Clone(db.DeployRequests)
			db.Branches = slices.Clone(db.Branches)
			out = append(out, db)
		}
	}
	return out
}

// organization finds the organization the path names, with its databases.
func (s *Server) organization(r *http.Request) (Organization, []Database, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := r.PathValue("org")
	for _, o := range s.organizations() {
		if o.Name == name {
			return o, s.databasesOf(name), true
		}
	}
	return Organization{}, nil, false
}

// database finds the database the path names, if the token holds one of
// accesses on it; otherwise it answers 404 as PlanetScale does.
func (s *Server) database(w http.ResponseWriter, r *http.Request, t Token, accesses []string) (Database, bool) {
	org, name := r.PathValue("org"), r.PathValue("db")
	if t.hasAccess(org+"/"+name, accesses) {
		s.mu.Lock()
		dbs := s.databasesOf(org)
		s.mu.Unlock()
		if i := slices.IndexFunc(dbs, func(db Database) bool { return db.Name == name }); i >= 0 {
			return dbs[i], true
		}
	}
	writeNotFound(w)
	return Database{}, false
}

func (s *Server) listOrganizations(w http.ResponseWriter, r *http.Request, t Token) {
	s.mu.Lock()
	visible := slices.DeleteFunc(s.organizations(), func(o Organization) bool { return !t.inOrganization(o.Name) })
	counts := map[string]int{}
	for _, db := range s.databases {
		counts[db.Organization]++
	}
	s.mu.Unlock()
	// The API documents no total_count or total_pages for this list.
	servePage(s, w, r, RouteOrganizations, visible, false, func(o Organization) any {
		return organizationJSON(o, counts[o.Name])
	})
}

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request, t Token) {
	o, dbs, ok := s.organization(r)
	if !ok || !t.hasAccess(o.Name, organizationReadAccesses) {
		writeNotFound(w)
		return
	}
	s.writeObject(w, RouteOrganization, organizationJSON(o, len(dbs)))
}

func (s *Server) listDatabases(w http.ResponseWriter, r *http.Request, t Token) {
	o, dbs, ok := s.organization(r)
	if !ok || !t.inOrganization(o.Name) {
		writeNotFound(w)
		return
	}
	q := r.URL.Query().Get("q")
	dbs = slices.DeleteFunc(dbs, func(db Database) bool {
		return !t.hasAccess(db.Organization+"/"+db.Name, databaseReadAccesses) || !strings.Contains(db.Name, q)
	})
	base := apiBase(r)
	servePage(s, w, r, RouteDatabases, dbs, true, func(db Database) any { return databaseJSON(base, db) })
}

func (s *Server) getDatabase(w http.ResponseWriter, r *http.Request, t Token) {
	if db, ok := s.database(w, r, t, databaseReadAccesses); ok {
		s.writeObject(w, RouteDatabase, databaseJSON(apiBase(r), db))
	}
}

func (s *Server) listBranches(w http.ResponseWriter, r *http.Request, t Token) {
	db, ok := s.database(w, r, t, branchReadAccesses)
	if !ok {
		return
	}
	q := r.URL.Query()
	branches := slices.DeleteFunc(db.branches(), func(b Branch) bool {
		return !strings.Contains(b.Name, q.Get("q")) ||
			(q.Get("production") != "" && q.Get("production") != strconv.FormatBool(b.Production))
	})
	base := apiBase(r)
	servePage(s, w, r, RouteBranches, branches, true, func(b Branch) any { return branchJSON(base, db, b) })
}

func (s *Server) listDeployRequests(w http.ResponseWriter, r *http.Request, t Token) {
	db, ok := s.database(w, r, t, deployRequestReadAccesses)
	if !ok {
		return
	}
	q := r.URL.Query()
	matched := slices.DeleteFunc(db.DeployRequests, func(dr DeployRequest) bool {
		return !matchState(dr, q.Get("state")) ||
			(q.Get("branch") != "" && dr.Branch != q.Get("branch")) ||
			(q.Get("into_branch") != "" && dr.IntoBranch != q.Get("into_branch"))
	})
	servePage(s, w, r, RouteDeployRequests, matched, true, func(dr DeployRequest) any { return deployRequestJSON(db, dr, true) })
}

func (s *Server) getDeployRequest(w http.ResponseWriter, r *http.Request, t Token) {
	if db, dr, ok := s.deployRequest(w, r, t); ok {
		s.writeObject(w, RouteDeployRequest, deployRequestJSON(db, dr, false))
	}
}

// matchState applies the API's state filter: open, closed or deployed.
func matchState(dr DeployRequest, state string) bool {
	switch state {
	case "":
		return true
	case "deployed":
		return dr.DeploymentState == "complete" || dr.DeploymentState == "complete_pending_revert"
	}
	return dr.State == state
}
