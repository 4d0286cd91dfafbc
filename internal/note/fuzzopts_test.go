package note

import "testing"

// dendronOptions are the options of the Dendron dialect's syntax: the
// label first, and a vault scheme before the target.
var dendronOptions = Options{LabelFirst: true, SchemePrefix: "dendron://"}

// fuzzOptions are the options a fuzz target's dendron argument picks.
func fuzzOptions(dendron bool) Options {
	if dendron {
		return dendronOptions
	}
	return Options{}
}

// addSyntaxSeeds adds each source as a seed for both syntaxes (the fuzz
// argument fuzzOptions takes).
func addSyntaxSeeds(f *testing.F, srcs ...string) {
	for _, s := range srcs {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
}
