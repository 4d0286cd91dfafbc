//go:build !linux

package notecache

func mapFile(file string) ([]byte, loadedFile, error) { return readFile(file) }
