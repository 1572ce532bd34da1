package cli

import (
	"strings"

	"github.com/deploy-request-gate/deploy-request-gate/check"
	"github.com/deploy-request-gate/deploy-request-gate/planetscale"
)

// argsSecrets are every token the command line and the environment may
// hold, for every message a command prints, from usage, flag and
// unknown-command errors on: the token variables' values, the values given
// to --service-token and --service-token-id in any spelling, and any word
// that looks like a PlanetScale token (holds "pscale_", or is ID:TOKEN),
// each part of it too. A token typed as a stray argument or a misspelt
// flag's value is then never echoed.
func argsSecrets(args []string, env Env) []string {
	var secrets []string
	add := func(token, id string) { secrets = append(secrets, planetscale.Secrets(token, id)...) }
	add(env.getenv(check.EnvServiceToken), env.getenv(check.EnvServiceTokenID))
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && strings.HasPrefix(name, "service-token") {
			if !hasValue && i+1 < len(args) {
				value = args[i+1]
			}
			add(value, "")
			continue
		}
		if strings.Contains(a, "pscale_") || looksCombined(a) {
			add(a, "")
		}
	}
	return secrets
}

// looksCombined reports whether a word has the ID:TOKEN form of a
// service token: two parts of letters, digits and underscores, the second
// long.
func looksCombined(a string) bool {
	id, secret, ok := strings.Cut(strings.TrimLeft(a, "-"), ":")
	word := func(s string) bool {
		return s != "" && strings.Trim(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
	}
	return ok && word(id) && word(secret) && len(secret) >= 16
}
