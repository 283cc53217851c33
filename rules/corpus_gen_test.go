package rules_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzParsePolicy from the policies in
// the scenario files when RULES_WRITE_CORPUS=1 (run by hand after adding scenarios).
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("RULES_WRITE_CORPUS") == "" {
		t.Skip("set RULES_WRITE_CORPUS=1 to regenerate the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParsePolicy")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(data []byte) {
		sum := sha256.Sum256(data)
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data)))
		if err := os.WriteFile(filepath.Join(dir, hex.EncodeToString(sum[:8])), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base, _ := os.ReadFile("testdata/policy-example.json")
	write(base)
	files, _ := filepath.Glob("testdata/scenarios/*")
	for _, f := range files {
		datadriven.RunTest(t, f, func(t *testing.T, td *datadriven.TestData) string {
			if td.Cmd == "policy" {
				data := []byte(td.Input)
				if td.HasArg("file") && strings.TrimSpace(td.Input) != "" {
					data, _ = mergePatch(base, data)
				}
				if len(data) > 0 {
					write(data)
				}
			}
			return td.Expected
		})
	}
}
