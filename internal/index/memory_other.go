//go:build !linux

package index

func newTableMemory() *tableMemory { return &tableMemory{} }

func (m *tableMemory) mapped(int) []byte { return nil }
