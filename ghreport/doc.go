// Package ghreport reports the gate's verdict on GitHub: a commit status on
// the commit under test, one sticky comment per pull request and database,
// and, for sync mode, the open pull requests and the statuses they carry.
// It is the one package that talks to GitHub (writes and small reads
// through go-github's REST calls; sync's bulk read of the open pull
// requests and their statuses, and the login the token comments as
// (viewer), through GraphQL with githubv4, at
// GITHUB_GRAPHQL_URL or the address derived from GITHUB_API_URL); it takes
// plain inputs and returns structured results, and knows nothing of the
// verdict, its rendering or the action's inputs.
//
// Every call goes to GITHUB_API_URL as given (GitHub Enterprise Server and
// test servers with a path prefix too), with the token only to that host,
// and is retried through httpretry on 5xx answers, network errors and rate
// limits under the caller's deadline. A write GitHub refuses (403, 404)
// comes back as a *PermissionError naming the permission to add. Every
// error's outside text is sanitized, and the token never appears in one.
package ghreport
