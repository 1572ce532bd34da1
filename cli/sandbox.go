package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
)

func sandboxCommand() *command {
	return &command{
		name: "sandbox", scope: local,
		summary: "serve the built-in sandbox PlanetScale API on a port until stopped",
		about: `Serves the built-in sandbox PlanetScale API until stopped (Ctrl-C) and prints, in GITHUB_OUTPUT form,
the api-url and service-token to give the gate or the commands. Organization acme holds the
databases shop (the gate's), blog, analytics (the token may read only the database itself) and billing
(the token cannot see it). Plain http is accepted by the gate only on loopback; to reach the sandbox
from elsewhere (a container), serve HTTPS with --tls-cert and point SSL_CERT_FILE at the certificate.`,
		examples: []string{
			"deploy-request-gate sandbox --scenario unapproved --listen 127.0.0.1:8080",
			"PLANETSCALE_API_URL=http://127.0.0.1:8080 PLANETSCALE_SERVICE_TOKEN=ID:TOKEN deploy-request-gate overview --org acme",
		},
		exits: "0 stopped; 2 bad usage, or the port could not be opened.",
		setup: func(fs *flag.FlagSet) func(context.Context, *session) int {
			scenario := fs.String("scenario", "unapproved", "sandbox scenario `NAME`: "+strings.Join(sandbox.ScenarioNames(), ", "))
			listen := fs.String("listen", "127.0.0.1:0", "`ADDRESS` to listen on")
			certFile := fs.String("tls-cert", "", "serve HTTPS with a fresh self-signed certificate and write it (PEM) to `FILE`")
			hosts := fs.String("tls-host", "", "comma-separated host `NAMES` and IP addresses the certificate is for (default: the listen host)")
			return func(ctx context.Context, s *session) int {
				if err := serveSandbox(ctx, s.env, *scenario, *listen, *certFile, *hosts); err != nil {
					s.stderr.printf("sandbox: %v\n", err)
					return ExitError
				}
				return ExitOK
			}
		},
	}
}

func serveSandbox(ctx context.Context, env Env, scenario, listen, certFile, hostList string) error {
	sc, err := sandbox.NewScenario(scenario, time.Now())
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	scheme := "http"
	if certFile != "" {
		names := splitList(hostList)
		if len(names) == 0 {
			names = []string{host}
		}
		cert, err := selfSigned(names, certFile)
		if err != nil {
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme, host = "https", names[0]
	}
	fmt.Fprintf(env.Stdout, "api-url=%s://%s\n", scheme, net.JoinHostPort(host, port))
	fmt.Fprintf(env.Stdout, "service-token=%s\n", sc.ServiceToken)
	fmt.Fprintf(env.Stderr, "Sandbox PlanetScale API for scenario %q: %s.\nTry the commands against it (Ctrl-C stops it):\n"+
		"  export %s=%s://%s %s=%s %s=%s\n  deploy-request-gate doctor --database %s\n  deploy-request-gate overview\n  deploy-request-gate check %s\n",
		sc.Name, sc.Description, check.EnvAPIURL, scheme, net.JoinHostPort(host, port), check.EnvServiceToken, sc.ServiceToken,
		check.EnvOrganization, sandbox.DemoOrganization, sandbox.DemoDatabase, sandbox.DemoDatabase)
	srv := &http.Server{Handler: sc.Server, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// selfSigned makes a one-day certificate for names and writes it to path.
func selfSigned(names []string, path string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "deploy-request-gate sandbox"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("certificate: %w", err)
	}
	pemCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(path, pemCert, 0o644); err != nil {
		return tls.Certificate{}, fmt.Errorf("write the certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
