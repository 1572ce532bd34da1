module github.com/deploy-request-gate/deploy-request-gate

go 1.26.0

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/google/go-github/v66 v66.0.0
	github.com/sethvargo/go-githubactions v1.4.0
	github.com/sethvargo/go-retry v0.3.0
	golang.org/x/time v0.15.0
)

require github.com/google/go-querystring v1.1.0 // indirect
