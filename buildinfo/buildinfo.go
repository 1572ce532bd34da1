// Package buildinfo tells which build of deploy-request-gate is running: the
// version, the commit it was built from and the Go toolchain.
//
// Release builds (the Dockerfile, the release workflow) set the version at link
// time:
//
//	go build -ldflags "-X github.com/deploy-request-gate/deploy-request-gate/buildinfo.version=v1.2.3"
//
// Without that flag the version comes from the module information the go
// command embeds, so `go install github.com/deploy-request-gate/deploy-request-gate/cmd/deploy-request-gate@v1.2.3`
// reports v1.2.3. A build from a checkout without a release version reports
// "dev". The commit comes from the version-control stamp (vcs.revision) that
// `go build` embeds in a git checkout, or from -X .../buildinfo.commit=SHA where
// the source has no .git directory (the image build).
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set with -ldflags "-X github.com/deploy-request-gate/deploy-request-gate/buildinfo.version=v1.2.3"
// (and .commit=SHA). Empty means "not set at link time".
var (
	version string
	commit  string
)

// DevVersion is the version of a build that carries no release version.
const DevVersion = "dev"

// info is what one binary knows about its build.
type info struct {
	version    string
	commit     string
	commitTime string
	dirty      bool
	dirtyKnown bool // the build recorded vcs.modified
	goVersion  string
	platform   string
}

// current reads the running binary's build information once per call; the
// work is a few string comparisons, nothing is cached at init.
func current() info {
	bi, _ := debug.ReadBuildInfo() // nil when the binary carries none
	return read(version, commit, bi)
}

// read derives the build information from the link-time values and the
// embedded module information (nil when the binary has none).
func read(ldVersion, ldCommit string, bi *debug.BuildInfo) info {
	in := info{
		version:   strings.TrimSpace(ldVersion),
		commit:    strings.TrimSpace(ldCommit),
		goVersion: runtime.Version(),
		platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi != nil {
		if in.version == "" {
			in.version = moduleVersion(bi.Main.Version)
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.commit == "" {
					in.commit = s.Value
				}
			case "vcs.time":
				in.commitTime = s.Value
			case "vcs.modified":
				in.dirty, in.dirtyKnown = s.Value == "true", true
			}
		}
		if bi.GoVersion != "" {
			in.goVersion = bi.GoVersion
		}
	}
	if in.version == "" {
		in.version = DevVersion
	}
	return in
}

// moduleVersion turns the main module's version into the one to show: a
// release or pseudo-version as it is, "(devel)" or nothing as "".
func moduleVersion(v string) string {
	if v == "" || v == "(devel)" {
		return ""
	}
	return v
}

// Version is the release version (v1.2.3), the module version `go install`
// recorded, or "dev".
func Version() string { return current().version }

// Commit is the full commit hash the binary was built from, or "" when
// unknown.
func Commit() string { return current().commit }

// Dirty reports whether the checkout the binary was built from had
// uncommitted changes (vcs.modified). False when unknown.
func Dirty() bool { return current().dirty }

// GoVersion is the Go toolchain that built the binary, such as "go1.26.8".
func GoVersion() string { return current().goVersion }

// Verbose is the multi-line text `version --verbose` prints: version,
// commit, commit time, whether the tree was modified, Go version and
// platform, one "name: value" line each, ending in a newline.
func Verbose() string { return current().verbose() }

func (in info) verbose() string {
	var b strings.Builder
	line := func(name, value string) { fmt.Fprintf(&b, "%-12s %s\n", name+":", value) }
	line("version", in.version)
	line("commit", orUnknown(in.commit))
	line("commit time", orUnknown(in.commitTime))
	if in.dirtyKnown {
		line("modified", fmt.Sprint(in.dirty))
	} else {
		line("modified", "unknown")
	}
	line("go", in.goVersion)
	line("platform", in.platform)
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
