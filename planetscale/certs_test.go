package planetscale_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
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

// selfSigned makes a self-signed certificate for spec.
func selfSigned(t *testing.T, spec certSpec) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	notAfter := time.Now().Add(time.Hour)
	if spec.expired {
		notAfter = time.Now().Add(-time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "deploy-request-gate test"},
		DNSNames:              spec.dnsNames,
		NotBefore:             time.Now().Add(-2 * time.Hour),
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}
