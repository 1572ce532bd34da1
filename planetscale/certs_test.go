package planetscale_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

// tlsHost is the host name the TLS tests call; a dialer sends every
// connection to the test server, whatever the name.
const tlsHost = "api.planetscale.test"

// certSpec describes a test server certificate.
type certSpec struct {
	dnsNames []string
	expired  bool
	// trusted puts the certificate in the client's root pool.
	trusted bool
}

// newTLSServer serves h over TLS with a certificate made from spec. It
// returns the base URL to call and the transport option the client needs
// (a dialer to the server, and the certificate as a root when trusted).
func newTLSServer(t *testing.T, h http.Handler, spec certSpec) (string, planetscale.Option) {
	t.Helper()
	cert, leaf := selfSigned(t, spec)
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = discardLog()
	srv.StartTLS()
	t.Cleanup(srv.Close)

	addr := srv.Listener.Addr().String()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("split %q: %v", addr, err)
	}
	cfg := &tls.Config{}
	if spec.trusted {
		cfg.RootCAs = x509.NewCertPool()
		cfg.RootCAs.AddCert(leaf)
	}
	var d net.Dialer
	rt := &http.Transport{
		TLSClientConfig: cfg,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
	}
	t.Cleanup(rt.CloseIdleConnections)
	return "https://" + net.JoinHostPort(tlsHost, port), planetscale.WithHTTPTransport(rt)
}

// selfSigned makes a self-signed certificate for spec, as the sandbox
// serves one, valid for an hour or expired a minute ago.
func selfSigned(t *testing.T, spec certSpec) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	notAfter := time.Now().Add(time.Hour)
	if spec.expired {
		notAfter = time.Now().Add(-time.Minute)
	}
	cert, _, err := sandbox.SelfSigned(spec.dnsNames, notAfter)
	if err != nil {
		t.Fatalf("self-signed certificate: %v", err)
	}
	return cert, cert.Leaf
}
