// Package planetscale is a small client for the PlanetScale REST API: service
// token and OAuth authentication, page-following list calls, retries of
// transient failures with backoff, and typed errors that callers can explain.
//
// It knows nothing about GitHub; the gate in package check builds on it.
package planetscale
