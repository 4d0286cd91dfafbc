package vault

import "testing"

func TestSkipped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p       string
		exclude []string
		want    bool
	}{
		{"a.md", nil, false},
		{"notes/deep/a.md", nil, false},
		{".hidden/a.md", nil, true},
		{"notes/.a.md", nil, true},
		{"node_modules/x/a.md", nil, true},
		{"node_modules.md", nil, false},
		{"drafts/a.md", []string{"drafts"}, true},
		{"notes/drafts/a.md", []string{"drafts"}, true},
		{"notes/drafts/a.md", []string{"/drafts/"}, true}, // as the walk reads it: a bare name matches at any depth
		{"drafts/a.md", []string{"/drafts/"}, true},
		{"notes/a.tmp.md", []string{"*.tmp.md"}, true},
		{"notes/a.md", []string{"other/*"}, false},
	} {
		if got := Skipped(tc.p, tc.exclude); got != tc.want {
			t.Errorf("Skipped(%q, %q) = %v, want %v", tc.p, tc.exclude, got, tc.want)
		}
	}
}
