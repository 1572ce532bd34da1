package ghreport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
	"github.com/deploy-request-gate/deploy-request-gate/httpretry"
)

// psToken stands for the PlanetScale token, also kept out of GitHub errors.
const psToken = "pscale_tkn_Secret0123456789"

// TestClient_secretsNeverInErrors has a hostile server echo the token it
// got (and the PlanetScale token) in every place an answer can carry
// text: no error and no retry event may hold either, in any form.
func TestClient_secretsNeverInErrors(t *testing.T) {
	t.Parallel()
	echo := func(r *http.Request) string {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		return got + " " + url.QueryEscape(got) + " " + psToken + "\n::error::" + got
	}
	jsonMessage := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := json.Marshal(map[string]any{"message": "bad token " + echo(r),
				"errors": []map[string]string{{"message": "field " + echo(r)}}})
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}
	}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{name: "validation_error", handler: jsonMessage(http.StatusUnprocessableEntity)},
		{name: "unauthorized", handler: jsonMessage(http.StatusUnauthorized)},
		{name: "forbidden", handler: jsonMessage(http.StatusForbidden)},
		{name: "not_found", handler: jsonMessage(http.StatusNotFound)},
		{name: "server_error_retried", handler: jsonMessage(http.StatusBadGateway)},
		{name: "rate_limited", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			jsonMessage(http.StatusTooManyRequests)(w, r)
		}},
		{name: "redirect_elsewhere", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://evil.example/?t="+url.QueryEscape(echo(r)))
			w.WriteHeader(http.StatusFound)
		}},
		{name: "not_json", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			_, _ = fmt.Fprintf(w, "<html>%s</html>", echo(r))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.handler)
			t.Cleanup(srv.Close)
			var mu sync.Mutex
			var events []httpretry.Event
			c := newClient(t, srv.URL, func(cfg *ghreport.Config) {
				cfg.Secrets = []string{psToken}
				cfg.Notify = func(e httpretry.Event) { mu.Lock(); events = append(events, e); mu.Unlock() }
			})
			ctx := testContext(t)
			errs := []error{
				c.SetStatus(ctx, owner, repo, sha(1), ghreport.Status{State: ghreport.StateSuccess, Context: "c", Description: "d"}),
				second(c.OpenPulls(ctx, owner, repo, "c")),
				second(c.Pull(ctx, owner, repo, 1)),
				second(c.UpsertComment(ctx, owner, repo, 1, ghreport.Comment{Marker: ghreport.Marker("a", "b"), Body: "x", Policy: ghreport.CommentAlways})),
				third(c.LatestStatus(ctx, owner, repo, sha(1), "c")),
			}
			for _, err := range errs {
				if err == nil {
					t.Errorf("a call against %s succeeded", tc.name)
				}
				checkClean(t, err, psToken, url.QueryEscape(token))
			}
			mu.Lock()
			defer mu.Unlock()
			for _, e := range events {
				checkClean(t, e.Err, psToken)
			}
		})
	}
}

func second[T any](_ T, err error) error        { return err }
func third[T, U any](_ T, _ U, err error) error { return err }

// TestClient_networkError names the failure without the token.
func TestClient_networkError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there now
	c := newClient(t, base)
	err := c.SetStatus(context.Background(), owner, repo, sha(1), ghreport.Status{State: ghreport.StateSuccess, Context: "c"})
	if err == nil || !strings.Contains(err.Error(), "could not reach the GitHub API") || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Errorf("err = %v, want a network error after 4 attempts", err)
	}
	var ne *ghreport.NetworkError
	if !errors.As(err, &ne) {
		t.Errorf("err = %T, want a *NetworkError inside", err)
	}
	checkClean(t, err)
}
