package markdown

import "golang.org/x/sys/cpu"

// indexStopAVX2 is the vector half of skipPlainIn (stop_amd64.s): the index
// of the first byte of inlineStop in b's whole 32-byte blocks, or their
// length when none holds one.
//
//go:noescape
func indexStopAVX2(b []byte) int

// vectorStops says whether this processor runs indexStopAVX2.
var vectorStops = cpu.X86.HasAVX2

// vectorMin is the shortest stretch handed to indexStopAVX2: one block.
const vectorMin = 32
