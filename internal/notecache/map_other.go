//go:build !linux

package notecache

import "os"

func mapFile(file string) ([]byte, error) { return os.ReadFile(file) }
