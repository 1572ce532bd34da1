package ghsandbox

import (
	"net/http"
	"strconv"
	"time"
)

// Endpoint names one API endpoint the sandbox serves, as its route pattern.
type Endpoint string

// The endpoints the sandbox serves.
const (
	CreateStatus   Endpoint = "POST /repos/{owner}/{repo}/statuses/{sha}"
	CombinedStatus Endpoint = "GET /repos/{owner}/{repo}/commits/{ref}/status"
	ListStatuses   Endpoint = "GET /repos/{owner}/{repo}/commits/{ref}/statuses"
	ListComments   Endpoint = "GET /repos/{owner}/{repo}/issues/{number}/comments"
	CreateComment  Endpoint = "POST /repos/{owner}/{repo}/issues/{number}/comments"
	EditComment    Endpoint = "PATCH /repos/{owner}/{repo}/issues/comments/{id}"
	ListPulls      Endpoint = "GET /repos/{owner}/{repo}/pulls"
)

// Fault is a scripted answer served instead of the real one.
type Fault struct {
	// Endpoint limits the fault to one endpoint ("" matches any request).
	Endpoint Endpoint
	// Page limits the fault to requests for this page of a list (0: any);
	// for GraphQL, to the Page-th query the sandbox answers.
	Page int
	// Status is the HTTP status to answer with.
	Status int
	// Body is the answer's body; ContentType its type (default JSON).
	Body        string
	ContentType string
	// Header holds extra answer headers, such as Retry-After.
	Header map[string]string
	// Apply carries the request out before answering with the fault, as
	// when GitHub stores a comment and a proxy then answers 502.
	Apply bool
	// Disconnect closes the connection without answering.
	Disconnect bool
	// Count is how many matching requests get the fault (0 means one).
	Count int
}

// On returns f limited to endpoint e.
func (f Fault) On(e Endpoint) Fault {
	f.Endpoint = e
	return f
}

// AtPage returns f limited to requests for page n of a list.
func (f Fault) AtPage(n int) Fault {
	f.Page = n
	return f
}

// Times returns f answering n matching requests.
func (f Fault) Times(n int) Fault {
	f.Count = n
	return f
}

// Applied returns f served after the request has been carried out.
func (f Fault) Applied() Fault {
	f.Apply = true
	return f
}

// Documentation addresses GitHub puts in its error bodies.
const (
	secondaryDocs = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	primaryDocs   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
)

// Ready-made faults with the bodies GitHub and its proxies send.
var (
	// Forbidden is GitHub's answer to a write the token may not make.
	Forbidden = Fault{Status: http.StatusForbidden,
		Body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest","status":"403"}`}
	// NotFound is GitHub's answer to a token that cannot see the repository.
	NotFound = Fault{Status: http.StatusNotFound,
		Body: `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`}
	// ServerError is a 500 from the API.
	ServerError = Fault{Status: http.StatusInternalServerError, Body: `{"message":"Server Error"}`}
	// BadGateway is a 502 HTML page from GitHub's front end.
	BadGateway = Fault{Status: http.StatusBadGateway, ContentType: "text/html",
		Body: "<html><body><h1>502 Bad Gateway</h1><p>Unicorn! This page is taking too long to load.</p></body></html>"}
	// Disconnect drops the connection without an answer.
	Disconnect = Fault{Disconnect: true}
)

// SecondaryRateLimit is GitHub's 403 for a secondary rate limit, asking
// the client to wait retryAfter seconds ("" sends no Retry-After).
func SecondaryRateLimit(retryAfter string) Fault {
	f := Fault{Status: http.StatusForbidden,
		Body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ` +
			`If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.",` +
			`"documentation_url":"` + secondaryDocs + `","status":"403"}`}
	if retryAfter != "" {
		f.Header = map[string]string{"Retry-After": retryAfter}
	}
	return f
}

// PrimaryRateLimit is GitHub's 403 once a token's hourly requests are
// used up, until reset.
func PrimaryRateLimit(reset time.Time) Fault {
	return Fault{Status: http.StatusForbidden,
		Body: `{"message":"API rate limit exceeded for installation ID 1.","documentation_url":"` + primaryDocs + `","status":"403"}`,
		Header: map[string]string{
			"X-RateLimit-Limit":     "5000",
			"X-RateLimit-Remaining": "0",
			"X-RateLimit-Used":      "5000",
			"X-RateLimit-Reset":     strconv.FormatInt(reset.Unix(), 10),
		}}
}

// Inject queues faults: each matching request takes the first fault
// queued for it.
func (s *Server) Inject(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range f {
		x.Count = max(x.Count, 1)
		s.faults = append(s.faults, x)
	}
}

// takeFault removes one use of the first fault queued for a request to
// e for page (the page query parameter, 1 when absent).
func (s *Server) takeFault(e Endpoint, page int) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		f := &s.faults[i]
		if (f.Endpoint != "" && f.Endpoint != e) || (f.Page != 0 && f.Page != page) {
			continue
		}
		got := *f
		if f.Count--; f.Count == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return got, true
	}
	return Fault{}, false
}

// serve answers with f; real serves the request for an Apply fault.
func (f Fault) serve(w http.ResponseWriter, real func(http.ResponseWriter)) {
	if f.Apply {
		real(&discard{header: http.Header{}})
	}
	if f.Disconnect {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // net/http drops the connection
	}
	ct := f.ContentType
	if ct == "" {
		ct = jsonType
	}
	w.Header().Set("Content-Type", ct)
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// discard is a ResponseWriter that throws the answer away.
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}
