package planetscale

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DefaultBaseURL is the PlanetScale API's address.
const DefaultBaseURL = "https://api.planetscale.com"

// ParseBaseURL checks an API address: http or https with a host, no query,
// fragment or user info, and plain http only to a loopback address
// (localhost, 127.0.0.0/8 or ::1), so credentials never cross a network in
// clear text.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("API URL %q is not a URL: %w", raw, err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("API URL %q must start with https://", raw)
	case u.Host == "":
		return nil, fmt.Errorf("API URL %q has no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("API URL must not contain user info; pass credentials as a token")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("API URL %q must not have a query or fragment", raw)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("API URL %q uses plain http: use https (plain http is allowed only to localhost, 127.0.0.0/8 or ::1)", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Path joins segments into an API path under /v1, escaping each one:
// Path("organizations", "my org") is "/v1/organizations/my%20org".
func Path(segments ...string) string {
	var b strings.Builder
	b.WriteString("/v1")
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// url returns the address of path (escaped) with query under the base URL.
func (c *Client) url(path string, query url.Values) (*url.URL, error) {
	u := *c.baseURL
	escaped := c.baseURL.EscapedPath() + path
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, fmt.Errorf("bad path %q: %w", escaped, err)
	}
	u.Path, u.RawPath = p, escaped
	u.RawQuery = query.Encode()
	return &u, nil
}
