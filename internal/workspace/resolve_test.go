package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/relinkmd/relink/internal/plan"
)

var resolveVault = map[string]string{
	"Topics/V8 Snapshot.md": "---\ntitle: V8 Snapshot\n---\n# V8 Snapshot\n## Setup Guide\nA paragraph. ^blk\n",
	"Cache-Line.md":         "a\n",
	"Cache_Line.md":         "b\n",
	"Disaster Recovery.md":  "---\naliases: [DR]\n---\nx\n",
	"Plan.md":               "# Plan\n",
	"Plan copy.md":          "---\nduplicate_of: \"[[Plan]]\"\n---\n",
	"Ops/Runbook.md":        "# Runbook\n",
	"상태 관리.md":              "# 상태 관리\n",
	"img/diagram.png":       "png",
	"Home.md":               "[[V8 Snapshot]]\n",
}

func TestResolve(t *testing.T) {
	dir, _ := newVault(t, resolveVault)
	rep := loadVault(t, dir)
	heading := func(frag, state string) *ResolvedHeading { return &ResolvedHeading{Fragment: frag, State: state} }
	for _, tc := range []struct {
		name, from string
		want       Resolution
		exact      bool
	}{
		{name: "V8 Snapshot", exact: true,
			want: Resolution{Class: "exact", Note: "Topics/V8 Snapshot.md"}},
		{name: "  V8 Snapshot ", exact: true,
			want: Resolution{Class: "exact", Note: "Topics/V8 Snapshot.md"}},
		{name: "Runbook.md", exact: true,
			want: Resolution{Class: "exact", Note: "Ops/Runbook.md"}},
		{name: "/Ops/Runbook", exact: true,
			want: Resolution{Class: "exact", Note: "Ops/Runbook.md"}},
		{name: "diagram.png", exact: true,
			want: Resolution{Class: "exact", Note: "img/diagram.png", Attachment: true}},
		{name: "v8-snapshot",
			want: Resolution{Class: "variant", Level: "separators", Note: "Topics/V8 Snapshot.md", Write: "V8 Snapshot", Link: "[[V8 Snapshot]]", Apply: true}},
		{name: "v8 snapshot",
			want: Resolution{Class: "variant", Level: "case", Note: "Topics/V8 Snapshot.md", Write: "V8 Snapshot", Link: "[[V8 Snapshot]]", Apply: true}},
		{name: "cache line",
			want: Resolution{Class: "ambiguous", Level: "separators", Candidates: []string{"Cache-Line.md", "Cache_Line.md"}, Message: "matches several notes"}},
		{name: "DR",
			want: Resolution{Class: "alias", Level: "exact", Note: "Disaster Recovery.md", Write: "Disaster Recovery", Link: "[[Disaster Recovery]]",
				Aliases: []plan.CandidateAlias{{Note: "Disaster Recovery.md", Alias: "DR"}}, Message: "only an alias matches; --allow-alias rewrites it"}},
		{name: "Plan copy",
			want: Resolution{Class: "duplicate", Note: "Plan.md", Duplicate: "Plan copy.md", Write: "Plan", Link: "[[Plan]]",
				Message: `the target is a duplicate of Plan.md; --follow-duplicates redirects it`}},
		{name: "Nothing Like It",
			want: Resolution{Class: "broken", Message: "no note matches"}},
		{name: "V8 Snapshott",
			want: Resolution{Class: "broken", Message: "no note matches", Hints: []string{"Topics/V8 Snapshot.md"}}},
		{name: "상태관리",
			want: Resolution{Class: "broken", Message: "no note matches", Hints: []string{"상태 관리.md"}}},
		{name: "../outside",
			want: Resolution{Class: "broken", Message: "points outside the vault"}},
		{name: "img/missing.png",
			want: Resolution{Class: "broken", Message: "file not found"}},
		{name: "V8 Snapshot#Setup Guide", exact: true,
			want: Resolution{Class: "exact", Note: "Topics/V8 Snapshot.md", Heading: heading("Setup Guide", "ok")}},
		{name: "V8 Snapshot#^blk", exact: true,
			want: Resolution{Class: "exact", Note: "Topics/V8 Snapshot.md", Heading: heading("^blk", "ok")}},
		{name: "V8 Snapshot#setup guide",
			want: Resolution{Class: "exact", Note: "Topics/V8 Snapshot.md", Link: "[[V8 Snapshot#Setup Guide]]", Apply: true,
				Heading: &ResolvedHeading{Fragment: "setup guide", State: "repair", Heading: "Setup Guide", Write: "Setup Guide", Level: "case"}}},
		{name: "V8 Snapshot#Nope",
			want: Resolution{Class: "exact", Note: "Topics/V8 Snapshot.md",
				Heading: &ResolvedHeading{Fragment: "Nope", State: "broken", Message: `no heading or block "Nope" in Topics/V8 Snapshot.md`}}},
		{name: "v8-snapshot#setup-guide",
			want: Resolution{Class: "variant", Level: "separators", Note: "Topics/V8 Snapshot.md", Write: "V8 Snapshot", Link: "[[V8 Snapshot#setup-guide]]", Apply: true,
				Heading: heading("setup-guide", "ok")}},
		{name: "v8-snapshot#setup-guidee",
			want: Resolution{Class: "variant", Level: "separators", Note: "Topics/V8 Snapshot.md", Write: "V8 Snapshot", Link: "[[V8 Snapshot#setup-guidee]]", Apply: true,
				Heading: &ResolvedHeading{Fragment: "setup-guidee", State: "broken", Message: `no heading or block "setup-guidee" in Topics/V8 Snapshot.md`}}},
		{name: "v8 snapshot#setup guide",
			want: Resolution{Class: "variant", Level: "case", Note: "Topics/V8 Snapshot.md", Write: "V8 Snapshot", Link: "[[V8 Snapshot#Setup Guide]]", Apply: true,
				Heading: &ResolvedHeading{Fragment: "setup guide", State: "repair", Heading: "Setup Guide", Write: "Setup Guide", Level: "case"}}},
		// Relative forms start from the source note's folder, which need
		// not be a note yet.
		{name: "./Runbook", from: "Ops/New note.md", exact: true,
			want: Resolution{Class: "exact", Note: "Ops/Runbook.md"}},
		{name: "../Plan", from: "Ops/New note.md", exact: true,
			want: Resolution{Class: "exact", Note: "Plan.md"}},
		{name: "./Runbook",
			want: Resolution{Class: "broken", Message: "no note matches"}},
		{name: "./runbook", from: "Ops/New note.md",
			want: Resolution{Class: "variant", Level: "case", Note: "Ops/Runbook.md", Write: "Ops/Runbook", Link: "[[Ops/Runbook]]", Apply: true}},
		{name: "#Setup Guide", from: "Topics/V8 Snapshot.md", exact: true,
			want: Resolution{Class: "exact", Note: "Topics/V8 Snapshot.md", Heading: heading("Setup Guide", "ok")}},
	} {
		t.Run(tc.from+">"+tc.name, func(t *testing.T) {
			got, err := Resolve(rep, []string{tc.name}, ResolveOptions{From: tc.from})
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Name = tc.name
			if diff := cmp.Diff([]Resolution{tc.want}, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if got[0].Exact() != tc.exact {
				t.Errorf("Exact() = %v, want %v", got[0].Exact(), tc.exact)
			}
		})
	}
}

// TestResolveOptIns: with --allow-alias and --follow-duplicates, apply
// rewrites alias and duplicate links, and Resolve says so.
func TestResolveOptIns(t *testing.T) {
	dir, _ := newVault(t, resolveVault)
	yes := true
	rep, err := Load(dir, Options{AllowAlias: &yes, FollowDuplicates: &yes})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Vault.Close()
	got, err := Resolve(rep, []string{"DR", "Plan copy"}, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if !r.Apply || r.Link == "" {
			t.Errorf("%s: %+v, want an edit apply makes", r.Name, r)
		}
	}
}

// TestResolveRenamed: a name a note had before it was renamed is class
// renamed, with the new name to write.
func TestResolveRenamed(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", filepath.Join(t.TempDir(), "state"))
	dir, _ := newVault(t, map[string]string{"Old Name.md": "x\n", "a.md": "[[Old Name]]\n"})
	loadClosed(t, dir, Options{})
	if err := os.Rename(filepath.Join(dir, "Old Name.md"), filepath.Join(dir, "New Name.md")); err != nil {
		t.Fatal(err)
	}
	rep := loadVault(t, dir)
	got, err := Resolve(rep, []string{"Old Name", "New Name"}, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Resolution{
		{Name: "Old Name", Class: "renamed", Level: "exact", Note: "New Name.md", Write: "New Name", Link: "[[New Name]]", Apply: true},
		{Name: "New Name", Class: "exact", Note: "New Name.md"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestResolveDialect: the name written is the dialect's (Obsidian: the
// file stem, and a path where stems collide), and the dialect's own
// forgiveness counts as exact.
func TestResolveDialect(t *testing.T) {
	dir, _ := newVault(t, map[string]string{
		".obsidian/app.json": "{}",
		"a/Topic.md":         "---\ntitle: The Topic\n---\n",
		"b/Topic.md":         "y\n",
		"Solo.md":            "z\n",
	})
	rep := loadVault(t, dir)
	got, err := Resolve(rep, []string{"solo", "a/topic", "Topic"}, ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Resolution{
		{Name: "solo", Class: "exact", Note: "Solo.md"},
		{Name: "a/topic", Class: "exact", Note: "a/Topic.md"},
		{Name: "Topic", Class: "ambiguous", Level: "exact", Candidates: []string{"a/Topic.md", "b/Topic.md"}, Message: "matches several notes"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestResolveRefuses(t *testing.T) {
	dir, _ := newVault(t, resolveVault)
	rep := loadVault(t, dir)
	for _, tc := range []struct {
		names []string
		from  string
		err   string
	}{
		{names: []string{"a|b"}, err: `"a|b" cannot be a link's target`},
		{names: []string{"a]]b"}, err: `cannot be a link's target`},
		{names: []string{"line\nbreak"}, err: `cannot be a link's target`},
		{names: []string{""}, err: `does not read as one link`},
		{names: []string{"#Setup Guide"}, err: `names only a heading`},
		{names: []string{"#Setup Guide"}, from: "Not yet.md", err: `names only a heading`},
		{names: []string{"x"}, from: "../out.md", err: `--from "../out.md"`},
		{names: []string{"x"}, from: "/abs.md", err: `--from "/abs.md"`},
	} {
		_, err := Resolve(rep, tc.names, ResolveOptions{From: tc.from})
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("Resolve(%q, from %q) = %v, want an error with %q", tc.names, tc.from, err, tc.err)
		}
	}
}
