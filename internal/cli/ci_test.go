package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// awkwardVault is a vault whose names and bytes CI formats must carry
// exactly: names with ',', ':', '%', '#', a space, a line break and
// non-ASCII letters; CRLF line ends; a BOM; a character outside the BMP
// (two UTF-16 code units, one column); an NFD spelling; a file that is
// not UTF-8.
var awkwardVault = map[string]string{
	"Café.md":                   "# Café\n## Menu, today: 50% off\n",
	"Notes/weird, name: 50%.md": "# Head\r\n[[café]] and [[cafe\u0301]]\r\n[[Café#menu, today: 50% off]] [[Missing, really: 100%]]\r\n",
	"BOM.md":                    "\ufeff[[café]] [[🙂 smile]]\n",
	"🙂 Smile.md":                "x\n",
	"tab\tand\nnewline.md":      "[[nowhere#x]] [[🙂 Smile#nope]]\n",
	"한국어/상태 관리.md":              "[[상태-관리]] [[상태관리]]\n",
	"bad utf8.md":               "\xff\xfe[[x]]\n",
	"Hash #1.md":                "[[Hash #1]]\n",
}

// TestCIGolden pins check --format sarif and --format github on the
// sample vault and on awkwardVault, and validates each SARIF log against
// the official SARIF 2.1.0 schema.
func TestCIGolden(t *testing.T) {
	sample, err := filepath.Abs(filepath.Join("..", "..", "examples", "sample-vault"))
	if err != nil {
		t.Fatal(err)
	}
	awkward := filepath.Join(t.TempDir(), "awkward")
	for name, body := range awkwardVault {
		p := filepath.Join(awkward, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name, vault, format string
	}{
		{"sample-check.sarif", sample, "sarif"},
		{"sample-check.github", sample, "github"},
		{"awkward-check.sarif", awkward, "sarif"},
		{"awkward-check.github", awkward, "github"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"check", "--no-cache", "--format", tt.format, tt.vault}, strings.NewReader(""), &out, &errb)
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitFindings, errb.String())
			}
			if tt.format == "sarif" {
				validateSARIF(t, out.Bytes())
			}
			got := out.String() + "-- stderr --\n" + errb.String()
			got = strings.ReplaceAll(got, tt.vault, "$VAULT")
			got = strings.ReplaceAll(got, strings.ReplaceAll(tt.vault, " ", "%20"), "$VAULT")
			path := filepath.Join("testdata", "golden", tt.name)
			if *update {
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

// validateSARIF fails the test when doc does not validate against the
// official SARIF 2.1.0 schema (vendored in internal/report/testdata).
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("..", "report", "testdata", "sarif-2.1.0", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("the SARIF log does not validate: %v", err)
	}
}
