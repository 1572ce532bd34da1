package ghsandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghsandbox"
)

const (
	token     = "ghs_SandboxTest0123456789"
	readOnly  = "ghs_ReadOnly0123456789"
	elsewhere = "ghp_OtherRepo0123456789"
	sha1      = "1111111111111111111111111111111111111111"
)

// newServer starts a sandbox under /api/v3 with acme/shop holding pull
// requests 1 to 7, and returns it with its base URL.
func newServer(t *testing.T, opts ...ghsandbox.Option) (*ghsandbox.Server, string) {
	t.Helper()
	opts = append([]ghsandbox.Option{
		ghsandbox.WithPrefix("/api/v3/"),
		ghsandbox.WithToken(ghsandbox.Token{Value: token}),
		ghsandbox.WithToken(ghsandbox.Token{Value: readOnly, ReadOnly: true}),
		ghsandbox.WithToken(ghsandbox.Token{Value: elsewhere, Repos: []string{"acme/other"}}),
	}, opts...)
	s := ghsandbox.New(opts...)
	for n := 1; n <= 7; n++ {
		s.AddPull("acme/shop", ghsandbox.PullRequest{Number: n, HeadRef: "f", HeadSHA: sha1})
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL + "/api/v3"
}

// answer is one HTTP answer.
type answer struct {
	status int
	header http.Header
	body   string
}

// json decodes the answer's body into v.
func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(a.body), v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, a.body)
	}
}

// call sends one request with auth as the Authorization header.
func call(t *testing.T, method, url, auth, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: res.StatusCode, header: res.Header, body: string(raw)}
}

// want checks an answer's status.
func want(t *testing.T, a answer, status int) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d (body %s)", a.status, status, a.body)
	}
}
