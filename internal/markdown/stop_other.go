//go:build !amd64

package markdown

func indexStopAVX2(b []byte) int { return 0 }

const vectorStops = false

const vectorMin = 32
