package report

import (
	"encoding/json"
	"io"

	"github.com/relinkmd/relink/internal/plan"
)

// MergeInput is what the printers of a merge need: the vault as Input
// describes it, the two notes, the renamed edits of the links, the
// frontmatter splices, the findings and headings to report, and the
// snapshot that recorded it ("" for a dry run).
type MergeInput struct {
	Input
	Merge       MergeSummary
	Edits       []plan.Edit
	Frontmatter []plan.FrontmatterEdit
	Findings    []plan.Finding
	Snapshot    string
}

// MergeSummary is the merge itself: the duplicate, the note it is
// merged into, whether the duplicate is removed, the alias added to the
// canonical note, and the duplicate's headings that note lacks.
type MergeSummary struct {
	Dup             string   `json:"dup"`
	Canon           string   `json:"canon"`
	Delete          bool     `json:"delete"`
	Alias           string   `json:"alias,omitempty"`
	MissingHeadings []string `json:"missing_headings"`
}

// mergeDoc is the JSON document of a merge: the plan document of SPEC
// §6, whose edits are the merge's (class renamed), with the moves (none),
// the frontmatter splices and the merge.
type mergeDoc struct {
	Version     int                    `json:"version"`
	Vault       string                 `json:"vault"`
	Dialect     string                 `json:"dialect"`
	Level       string                 `json:"level"`
	Stats       moveStats              `json:"stats"`
	Edits       []plan.Edit            `json:"edits"`
	Findings    []plan.Finding         `json:"findings"`
	Moves       []Move                 `json:"moves"`
	Frontmatter []plan.FrontmatterEdit `json:"frontmatter"`
	Merge       MergeSummary           `json:"merge"`
	Snapshot    string                 `json:"snapshot,omitempty"`
}

// MergeJSON writes the JSON document of a merge, indented, and a newline.
func MergeJSON(w io.Writer, in MergeInput) error {
	d := mergeDoc{Version: 1, Vault: in.Vault, Dialect: in.Dialect, Level: in.Level,
		Edits: in.Edits, Findings: in.Findings, Moves: []Move{}, Frontmatter: in.Frontmatter, Merge: in.Merge, Snapshot: in.Snapshot}
	if in.Plan != nil {
		d.Stats.Stats = in.Plan.Stats
	}
	d.Stats.Renamed = len(in.Edits)
	if d.Edits == nil {
		d.Edits = []plan.Edit{}
	}
	if d.Findings == nil {
		d.Findings = []plan.Finding{}
	}
	if d.Frontmatter == nil {
		d.Frontmatter = []plan.FrontmatterEdit{}
	}
	if d.Merge.MissingHeadings == nil {
		d.Merge.MissingHeadings = []string{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}
