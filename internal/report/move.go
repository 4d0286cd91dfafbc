package report

import (
	"encoding/json"
	"io"

	"github.com/relinkmd/relink/internal/plan"
)

// Move is one note a move takes from one path to another.
type Move struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MoveInput is what the printers of a move need: the vault as Input
// describes it (its plan's stats), the move and its renamed edits, and
// the snapshot that recorded it ("" for a dry run).
type MoveInput struct {
	Input
	Moves    []Move
	Edits    []plan.Edit
	Snapshot string
}

// moveStats are a vault's stats (SPEC §6) and the move's renamed edits.
type moveStats struct {
	plan.Stats
	Renamed int `json:"renamed"`
}

// moveDoc is the JSON document of a move: the plan document of SPEC §6,
// whose edits are the move's (class renamed), with the moves.
type moveDoc struct {
	Version  int            `json:"version"`
	Vault    string         `json:"vault"`
	Dialect  string         `json:"dialect"`
	Level    string         `json:"level"`
	Stats    moveStats      `json:"stats"`
	Edits    []plan.Edit    `json:"edits"`
	Findings []plan.Finding `json:"findings"`
	Moves    []Move         `json:"moves"`
	Snapshot string         `json:"snapshot,omitempty"`
}

// MoveJSON writes the JSON document of a move, indented, and a newline.
func MoveJSON(w io.Writer, in MoveInput) error {
	d := moveDoc{Version: 1, Vault: in.Vault, Dialect: in.Dialect, Level: in.Level,
		Edits: in.Edits, Findings: []plan.Finding{}, Moves: in.Moves, Snapshot: in.Snapshot}
	if in.Plan != nil {
		d.Stats.Stats = in.Plan.Stats
	}
	d.Stats.Renamed = len(in.Edits)
	if d.Edits == nil {
		d.Edits = []plan.Edit{}
	}
	if d.Moves == nil {
		d.Moves = []Move{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}
