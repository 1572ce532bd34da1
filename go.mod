module github.com/deploy-request-gate/deploy-request-gate

go 1.26.0

require (
	github.com/go-json-experiment/json v1.27.2
	github.com/google/go-github/v66 v66.0.0
	github.com/graph-gophers/graphql-go v1.11.1
	github.com/sethvargo/go-githubactions v1.4.0
	github.com/sethvargo/go-retry v0.3.0
	github.com/shurcooL/githubv4 v0.0.0-20260209031235-2402fdf4a9ed
	golang.org/x/time v0.15.0
)

require (
	github.com/google/go-querystring v1.1.0 // indirect
	github.com/shurcooL/graphql v0.0.0-20240915155400-7ee5256398cf // indirect
	golang.org/x/oauth2 v0.38.0 // indirect
)
