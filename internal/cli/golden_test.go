package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSampleVaultGolden pins relink's output on the sample vault that ships
// in the repo: text, JSON and diff. Run with -update to rewrite the golden
// files after an intended change, and review the diff.
func TestSampleVaultGolden(t *testing.T) {
	vault, err := filepath.Abs(filepath.Join("..", "..", "examples", "sample-vault"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"sample-check.txt", []string{"check", vault}, ExitFindings},
		{"sample-plan.txt", []string{"plan", vault}, ExitFindings},
		{"sample-plan.json", []string{"plan", "--format", "json", vault}, ExitFindings},
		{"sample-plan.diff", []string{"plan", "--diff", vault}, ExitFindings},
		{"sample-plan-optins.txt", []string{"plan", "--allow-alias", "--follow-duplicates", "--keep-display", "--level", "compact", vault}, ExitFindings},
		{"sample-resolve.json", []string{"resolve", "--vault", vault, "--format", "json", "V8 Snapshot", "v8-snapshot", "cache line", "DR", "Canonical Ids Copy", "Disaster Recovry", "V8 Snapshot#taking one", "Disaster Recovery#Restore Drill", "Ops/diagram.png"}, ExitFindings},
		{"sample-resolve.txt", []string{"resolve", "--vault", vault, "V8 Snapshot", "v8-snapshot", "cache line", "DR", "Canonical Ids Copy", "Disaster Recovry", "V8 Snapshot#taking one", "Disaster Recovery#Restore Drill", "Ops/diagram.png"}, ExitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errb.String())
			}
			got := strings.ReplaceAll(out.String(), vault, "$VAULT")
			if strings.HasSuffix(tt.name, ".txt") || strings.HasSuffix(tt.name, ".diff") {
				got += "-- stderr --\n" + strings.ReplaceAll(errb.String(), vault, "$VAULT")
			}
			path := filepath.Join("testdata", "golden", tt.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/cli -run Golden -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}
