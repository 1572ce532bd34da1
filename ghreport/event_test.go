package ghreport_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deploy-request-gate/deploy-request-gate/ghreport"
)

// Payloads as the runner writes them to GITHUB_EVENT_PATH (cut to the
// fields that matter).
const (
	mergeSHA = "1111111111111111111111111111111111111111" // GITHUB_SHA on a pull request: the merge commit
	headSHA  = "2222222222222222222222222222222222222222"
	queueSHA = "3333333333333333333333333333333333333333"

	pullRequestPayload = `{"action":"synchronize","number":42,"pull_request":{"number":42,
		"head":{"ref":"feature/Add_Index","sha":"` + headSHA + `","repo":{"full_name":"acme/shop"}},
		"base":{"ref":"main","sha":"4444444444444444444444444444444444444444","repo":{"full_name":"acme/shop"}}},
		"repository":{"full_name":"acme/shop"}}`
	forkPayload = `{"action":"opened","number":43,"pull_request":{"number":43,
		"head":{"ref":"main","sha":"` + headSHA + `","repo":{"full_name":"someone/shop"}},
		"base":{"ref":"main","repo":{"full_name":"acme/shop"}}}}`
	mergeGroupPayload = `{"action":"checks_requested","merge_group":{"head_sha":"` + queueSHA + `",
		"head_ref":"refs/heads/gh-readonly-queue/main/pr-42-4444444444444444444444444444444444444444",
		"base_sha":"4444444444444444444444444444444444444444","base_ref":"refs/heads/main"}}`
)

func TestParseEvent(t *testing.T) {
	t.Parallel()
	runURL := "https://github.com/acme/shop/actions/runs/987654321"
	for _, tc := range []struct {
		name, event, payload string
		env                  map[string]string
		want                 ghreport.Target
		wantErr              string
	}{
		{name: "pull_request_uses_the_head_not_the_merge_commit", event: "pull_request", payload: pullRequestPayload,
			want: ghreport.Target{SHA: headSHA, PullNumber: 42, HeadRef: "feature/Add_Index"}},
		{name: "pull_request_target", event: "pull_request_target", payload: pullRequestPayload,
			want: ghreport.Target{SHA: headSHA, PullNumber: 42, HeadRef: "feature/Add_Index"}},
		{name: "pull_request_from_a_fork", event: "pull_request", payload: forkPayload,
			want: ghreport.Target{SHA: headSHA, PullNumber: 43, HeadRef: "main", Fork: true}},
		{name: "merge_group", event: "merge_group", payload: mergeGroupPayload, want: ghreport.Target{SHA: queueSHA}},
		{name: "push", event: "push", payload: `{"after":"` + headSHA + `"}`, want: ghreport.Target{SHA: mergeSHA}},
		{name: "schedule", event: "schedule", payload: `{"schedule":"*/15 * * * *"}`, want: ghreport.Target{SHA: mergeSHA}},
		{name: "workflow_dispatch_without_payload_file", event: "workflow_dispatch", env: map[string]string{"GITHUB_EVENT_PATH": ""},
			want: ghreport.Target{SHA: mergeSHA}},
		{name: "upper_case_sha_lowered", event: "push", env: map[string]string{"GITHUB_SHA": strings.ToUpper("abcdef" + mergeSHA[6:])},
			want: ghreport.Target{SHA: "abcdef" + mergeSHA[6:]}},
		{name: "no_run_id_no_run_url", event: "push", env: map[string]string{"GITHUB_RUN_ID": ""}, want: ghreport.Target{SHA: mergeSHA}},

		{name: "pull_request_without_head_sha", event: "pull_request", payload: `{"pull_request":{"number":42,"head":{"ref":"x"}}}`,
			wantErr: `pull_request.head.sha "" is not a commit SHA`},
		{name: "pull_request_without_number", event: "pull_request", payload: `{"pull_request":{"head":{"sha":"` + headSHA + `"}}}`,
			wantErr: "no pull_request.number"},
		{name: "pull_request_payload_missing", event: "pull_request", env: map[string]string{"GITHUB_EVENT_PATH": ""},
			wantErr: "GITHUB_EVENT_PATH is empty"},
		{name: "pull_request_payload_not_json", event: "pull_request", payload: "{\"pull_request\":\n::error::x", wantErr: "decode"},
		{name: "merge_group_without_head_sha", event: "merge_group", payload: `{"merge_group":{}}`, wantErr: "merge_group.head_sha"},
		{name: "push_without_sha", event: "push", env: map[string]string{"GITHUB_SHA": ""}, wantErr: "GITHUB_SHA"},
		{name: "no_repository", event: "push", env: map[string]string{"GITHUB_REPOSITORY": ""}, wantErr: "GITHUB_REPOSITORY is empty"},
		{name: "odd_repository", event: "push", env: map[string]string{"GITHUB_REPOSITORY": "acme/shop/x"}, wantErr: "is not owner/name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{
				"GITHUB_EVENT_NAME": tc.event, "GITHUB_SHA": mergeSHA, "GITHUB_REPOSITORY": "acme/shop",
				"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "987654321",
			}
			if tc.payload != "" {
				env["GITHUB_EVENT_PATH"] = filepath.Join(t.TempDir(), "event.json")
				if err := os.WriteFile(env["GITHUB_EVENT_PATH"], []byte(tc.payload), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tc.env {
				env[k] = v
			}
			got, err := ghreport.ParseEvent(func(k string) string { return env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseEvent error = %v, want one containing %q", err, tc.wantErr)
				}
				checkClean(t, err)
				return
			}
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			want := tc.want
			want.Event, want.Owner, want.Repo = tc.event, "acme", "shop"
			if env["GITHUB_RUN_ID"] != "" {
				want.RunURL = runURL
			}
			if got != want {
				t.Errorf("ParseEvent =\n%+v, want\n%+v", got, want)
			}
		})
	}
}

func TestRunURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{name: "github_com", env: map[string]string{"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "12"},
			want: "https://github.com/acme/shop/actions/runs/12"},
		{name: "enterprise_trailing_slash", env: map[string]string{"GITHUB_SERVER_URL": "https://ghe.example.com/", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "12"},
			want: "https://ghe.example.com/acme/shop/actions/runs/12"},
		{name: "no_server", env: map[string]string{"GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "12"}},
		{name: "run_id_not_a_number", env: map[string]string{"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "12/../x"}},
		{name: "server_not_http", env: map[string]string{"GITHUB_SERVER_URL": "javascript:alert(1)", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "12"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ghreport.RunURL(func(k string) string { return tc.env[k] }); got != tc.want {
				t.Errorf("RunURL = %q, want %q", got, tc.want)
			}
		})
	}
}
