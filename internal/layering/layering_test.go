package layering_test

import (
	"encoding/json"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/punchledger/punchledger"

// allowed lists, for each library package, the module packages it may import
// (directly or not). Anything else from the module is a layering violation.
var allowed = map[string][]string{
	"geofence":   {},
	"rules":      {"geofence"},
	"ledger":     {"rules", "geofence"},
	"attendance": {"ledger", "rules", "geofence"},
	"projection": {"attendance", "ledger", "rules", "geofence"},
}

func TestDependencyDirection(t *testing.T) {
	for _, pkg := range sortedKeys(allowed) {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "-json", module+"/"+pkg).Output()
			if err != nil {
				t.Fatalf("go list %s: %v", pkg, err)
			}
			dec := json.NewDecoder(strings.NewReader(string(out)))
			for dec.More() {
				var p struct {
					ImportPath string
					Standard   bool
				}
				if err := dec.Decode(&p); err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(p.ImportPath, module+"/") {
					if pkg == "geofence" && !p.Standard {
						t.Errorf("geofence must import the standard library only, imports %s", p.ImportPath)
					}
					continue
				}
				dep := strings.TrimPrefix(p.ImportPath, module+"/")
				if dep == pkg || strings.HasPrefix(dep, pkg+"/") || permitted(pkg, dep) {
					continue
				}
				t.Errorf("%s depends on %s, which the layering forbids", pkg, dep)
			}
		})
	}
}

// permitted reports whether pkg may depend on dep. Shared internal packages are open to
// every layer but geofence, which stays standard-library only.
func permitted(pkg, dep string) bool {
	for _, a := range allowed[pkg] {
		if dep == a || strings.HasPrefix(dep, a+"/") {
			return true
		}
	}
	return pkg != "geofence" && strings.HasPrefix(dep, "internal/")
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
