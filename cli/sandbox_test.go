package cli

import (
	"net"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// TestDialAddress: the address sandbox prints for a listener on every
// address is one the commands accept.
func TestDialAddress(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8085}, "127.0.0.1:8085"}, // what 0.0.0.0:8085 listens on
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8085}, "127.0.0.1:8085"},
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41799}, "127.0.0.1:41799"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9}, "[::1]:9"},
	} {
		host, port := dialAddress(tt.addr)
		if got := net.JoinHostPort(host, port); got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.addr, got, tt.want)
		}
		if _, err := planetscale.ParseBaseURL("http://" + net.JoinHostPort(host, port)); err != nil {
			t.Errorf("%v: the CLI refuses http://%s: %v", tt.addr, net.JoinHostPort(host, port), err)
		}
	}
}
