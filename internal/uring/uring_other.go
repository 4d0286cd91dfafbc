//go:build !linux

package uring

// Reader is unavailable off Linux.
type Reader struct{}

// NewReader fails off Linux.
func NewReader() (*Reader, error) { return nil, ErrUnsupported }

// Close does nothing.
func (r *Reader) Close() error { return nil }
