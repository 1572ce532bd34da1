package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/sandbox"
	"github.com/deploy-request-gate/deploy-request-gate/sanitize"
)

// sandboxSetup registers the flags of sandbox and returns its run.
func sandboxSetup(fs *flag.FlagSet) func(context.Context, *session) int {
	scenario := scenarioFlag(fs)
	listen := fs.String("listen", "127.0.0.1:0", "`ADDRESS` to listen on")
	certFile := fs.String("tls-cert", "", "serve HTTPS with a fresh self-signed certificate and write it (PEM) to `FILE`")
	hosts := fs.String("tls-host", "", "comma-separated host `NAMES` and IP addresses the certificate is for (default: the listen host)")
	return func(ctx context.Context, s *session) int {
		return s.orFail(serveSandbox(ctx, s.env, *scenario, *listen, *certFile, *hosts))
	}
}

// scenarioFlag adds --scenario, the sandbox scenario to serve.
func scenarioFlag(fs *flag.FlagSet) *string {
	return fs.String("scenario", "unapproved", "sandbox scenario `NAME`: "+strings.Join(sandbox.ScenarioNames(), ", ")+"; review cards: "+strings.Join(sandbox.CardScenarioNames(), ", ")+"; fault scenarios: "+strings.Join(sandbox.FaultScenarioNames(), ", "))
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
	host, port := dialAddress(ln.Addr())
	scheme := "http"
	if certFile != "" {
		names := check.SplitList(hostList)
		if len(names) == 0 {
			names = []string{host}
		}
		cert, pemCert, err := sandbox.SelfSigned(names, time.Now().Add(24*time.Hour))
		if err != nil {
			return err
		}
		if err := os.WriteFile(certFile, pemCert, 0o644); err != nil {
			return fmt.Errorf("write the certificate: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme, host = "https", names[0]
	}
	fmt.Fprintf(env.Stdout, "api-url=%s://%s\n", scheme, net.JoinHostPort(host, port))
	fmt.Fprintf(env.Stdout, "service-token=%s\n", sc.ServiceToken)
	fmt.Fprintf(env.Stderr, "Sandbox PlanetScale API for scenario %q: %s.\nTry the commands against it (Ctrl-C stops it):\n"+
		"  export %s=%s://%s %s=%s %s=%s\n  deploy-request-gate doctor --database %s\n  deploy-request-gate overview\n  deploy-request-gate check %s\n",
		sc.Name, sanitize.Line(sc.Description), check.EnvAPIURL, scheme, net.JoinHostPort(host, port), check.EnvServiceToken, sc.ServiceToken,
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

// dialAddress is the host and port to reach a listener at: a listener on
// every address (0.0.0.0, ::) is reached on loopback, 127.0.0.1, the one
// address the gate and the commands accept plain http on.
func dialAddress(addr net.Addr) (host, port string) {
	host, port, _ = net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return host, port
}
