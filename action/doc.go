// Package action is the gate as a GitHub container action: it reads the
// inputs (INPUT_* variables) into a check.Config, masks the secrets, runs
// the check, and writes the step outputs, the job summary and annotations.
// It is the only package that imports go-githubactions.
package action
