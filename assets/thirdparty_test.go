package assets

import (
	"os"
	"strings"
	"testing"
)

// testOnly are direct requirements of go.mod that never reach the binary.
var testOnly = map[string]string{
	"github.com/santhosh-tekuri/jsonschema/v6": "the fake OpenAI server (analyzer/openaitest) validates requests with it",
}

// Every module the app requires directly is named in the third-party notices the About dialog
// shows, so adding a dependency without its licence fails here.
func TestThirdPartyNoticesNameEveryDirectDependency(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	notices := ThirdPartyNotices()
	if notices == "" {
		t.Fatal("THIRD_PARTY.md is not embedded")
	}
	inBlock, n := false, 0
	for _, line := range strings.Split(string(mod), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case line == ")":
			inBlock = false
			continue
		}
		if !inBlock || line == "" || strings.Contains(line, "// indirect") {
			continue
		}
		path := strings.Fields(line)[0]
		n++
		if testOnly[path] != "" {
			continue
		}
		want := path
		if rest, ok := strings.CutPrefix(path, "golang.org/x/"); ok {
			want = "x/" + rest
		}
		if !strings.Contains(notices, want) {
			t.Errorf("go.mod requires %s, but THIRD_PARTY.md does not name it (add it with its licence)", path)
		}
	}
	if n < 10 {
		t.Fatalf("read only %d direct requirements from go.mod", n)
	}
}
