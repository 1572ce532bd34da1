package buildinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// ldflagsVersion is the -X path every release build must use; a typo there
// fails silently (the linker ignores unknown symbols), so it is tested.
const ldflagsVersion = "github.com/deploy-request-gate/deploy-request-gate/buildinfo.version"

func vcs(revision, time, modified string) []debug.BuildSetting {
	var s []debug.BuildSetting
	for _, kv := range [][2]string{{"vcs", "git"}, {"vcs.revision", revision}, {"vcs.time", time}, {"vcs.modified", modified}} {
		if kv[1] != "" {
			s = append(s, debug.BuildSetting{Key: kv[0], Value: kv[1]})
		}
	}
	return s
}

func TestRead_sources(t *testing.T) {
	t.Parallel()
	const sha = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name                string
		ldVersion, ldCommit string
		bi                  *debug.BuildInfo
		want                info // platform is always this machine's
	}{
		{
			name: "no_build_info",
			want: info{version: "dev", goVersion: runtime.Version()},
		},
		{
			name:      "ldflags_version_wins_over_module_version",
			ldVersion: "v1.2.3",
			bi:        &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20260101000000-0123456789ab"}},
			want:      info{version: "v1.2.3", goVersion: "go1.26.8"},
		},
		{
			name: "go_install_at_a_tag_reports_the_module_version",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			want: info{version: "v1.2.3", goVersion: "go1.26.8"},
		},
		{
			name: "devel_is_dev",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: info{version: "dev", goVersion: "go1.26.8"},
		},
		{
			name:      "blank_ldflags_version_falls_back",
			ldVersion: "  ",
			bi:        &debug.BuildInfo{Main: debug.Module{Version: "v2.0.0"}},
			want:      info{version: "v2.0.0", goVersion: runtime.Version()},
		},
		{
			name: "vcs_stamp_gives_commit_time_and_modified",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs(sha, "2026-11-20T10:00:00Z", "true")},
			want: info{version: "dev", commit: sha, commitTime: "2026-11-20T10:00:00Z", dirty: true, dirtyKnown: true, goVersion: "go1.26.8"},
		},
		{
			name: "clean_tree",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Settings: vcs(sha, "", "false")},
			want: info{version: "dev", commit: sha, dirtyKnown: true, goVersion: "go1.26.8"},
		},
		{
			name:      "ldflags_commit_when_there_is_no_vcs_stamp",
			ldVersion: "v1.2.3",
			ldCommit:  sha,
			bi:        &debug.BuildInfo{GoVersion: "go1.26.8"},
			want:      info{version: "v1.2.3", commit: sha, goVersion: "go1.26.8"},
		},
		{
			name:     "ldflags_commit_wins_over_vcs_stamp",
			ldCommit: "fedcba9876543210fedcba9876543210fedcba98",
			bi:       &debug.BuildInfo{GoVersion: "go1.26.8", Settings: vcs(sha, "", "false")},
			want:     info{version: "dev", commit: "fedcba9876543210fedcba9876543210fedcba98", dirtyKnown: true, goVersion: "go1.26.8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := tt.want
			want.platform = runtime.GOOS + "/" + runtime.GOARCH
			if got := read(tt.ldVersion, tt.ldCommit, tt.bi); got != want {
				t.Errorf("read() = %+v, want %+v", got, want)
			}
		})
	}
}

// TestInfo_verbose pins the text `version --verbose` prints, one aligned
// "name: value" line each, "unknown" for what the build did not record.
func TestInfo_verbose(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		in   info
		want string
	}{
		"everything_known": {
			in: info{version: "v1.2.3", commit: "0123456789abcdef0123456789abcdef01234567", commitTime: "2026-11-20T10:00:00Z",
				dirty: true, dirtyKnown: true, goVersion: "go1.26.8", platform: "linux/arm64"},
			want: "version:     v1.2.3\n" +
				"commit:      0123456789abcdef0123456789abcdef01234567\n" +
				"commit time: 2026-11-20T10:00:00Z\n" +
				"modified:    true\n" +
				"go:          go1.26.8\n" +
				"platform:    linux/arm64\n",
		},
		"nothing_stamped": {
			in: info{version: "dev", goVersion: "go1.26.8", platform: "darwin/amd64"},
			want: "version:     dev\n" +
				"commit:      unknown\n" +
				"commit time: unknown\n" +
				"modified:    unknown\n" +
				"go:          go1.26.8\n" +
				"platform:    darwin/amd64\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := tt.in.verbose(); got != tt.want {
				t.Errorf("verbose() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestExported_agreeWithRead checks the exported functions report what read
// derives for this very test binary.
func TestExported_agreeWithRead(t *testing.T) {
	t.Parallel()
	bi, _ := debug.ReadBuildInfo()
	want := read(version, commit, bi)
	if got := Version(); got != want.version || got == "" {
		t.Errorf("Version() = %q, want %q (never empty)", got, want.version)
	}
	if got := Commit(); got != want.commit {
		t.Errorf("Commit() = %q, want %q", got, want.commit)
	}
	if got := Dirty(); got != want.dirty {
		t.Errorf("Dirty() = %v, want %v", got, want.dirty)
	}
	if got := GoVersion(); !strings.HasPrefix(got, "go") {
		t.Errorf("GoVersion() = %q, want a go toolchain version", got)
	}
	if got := Verbose(); got != want.verbose() {
		t.Errorf("Verbose() = %q, want %q", got, want.verbose())
	}
}

// TestLdflags_setTheVersion builds a small program with the -X flag the
// release builds use and checks the binary reports that version and commit.
func TestLdflags_setTheVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "printversion")
	build := exec.Command("go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-s -w -X "+ldflagsVersion+"=v9.8.7 -X github.com/deploy-request-gate/deploy-request-gate/buildinfo.commit=abc123",
		"./testdata/printversion")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if got, want := string(out), "v9.8.7 abc123\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

// TestReleaseBuilds_useTheLdflagsPath keeps the Dockerfile and the release
// workflow on the variable this package reads.
func TestReleaseBuilds_useTheLdflagsPath(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"../Dockerfile", "../.github/workflows/release.yml"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), ldflagsVersion+"=") {
			t.Errorf("%s does not set %s", file, ldflagsVersion)
		}
	}
}
