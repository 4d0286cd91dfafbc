//go:build linux

// Command evict drops the page cache of every file under the given folders
// (posix_fadvise POSIX_FADV_DONTNEED), so that the next run reads them from
// disk: bench/run uses it for its cold-cache figures. With -check it
// prints how much of the files is still cached (mincore) afterwards.
//
//	go run ./bench/evict [-check] DIR...
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	check := flag.Bool("check", false, "report the cached bytes left after evicting")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: evict [-check] DIR...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	var files []string
	for _, dir := range flag.Args() {
		// Write back dirty pages first: DONTNEED drops only clean ones.
		if d, err := os.Open(dir); err == nil {
			unix.Syncfs(int(d.Fd()))
			d.Close()
		}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "evict:", err)
			os.Exit(1)
		}
	}
	var (
		mu              sync.Mutex
		total, resident int64
		failed          int
		wg              sync.WaitGroup
	)
	next := make(chan string, 64)
	for range 8 {
		wg.Go(func() {
			for p := range next {
				t, r, err := evict(p, *check)
				mu.Lock()
				total += t
				resident += r
				if err != nil {
					failed++
					if failed <= 5 {
						fmt.Fprintln(os.Stderr, "evict:", err)
					}
				}
				mu.Unlock()
			}
		})
	}
	for _, p := range files {
		next <- p
	}
	close(next)
	wg.Wait()
	if *check {
		fmt.Printf("evict: %d files, %d MB, %d MB still cached\n", len(files), total>>20, resident>>20)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// evict drops p's cached pages and returns its size and, with check, the
// bytes of it still cached.
func evict(p string, check bool) (size, cached int64, err error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	fd := int(f.Fd())
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return 0, 0, fmt.Errorf("%s: fadvise: %w", p, err)
	}
	st, err := f.Stat()
	if err != nil || !check || st.Size() == 0 {
		return st.Size(), 0, err
	}
	m, err := unix.Mmap(fd, 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return st.Size(), 0, fmt.Errorf("%s: mmap: %w", p, err)
	}
	defer unix.Munmap(m)
	page := int64(os.Getpagesize())
	vec := make([]byte, (st.Size()+page-1)/page)
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		return st.Size(), 0, fmt.Errorf("%s: mincore: %w", p, e)
	}
	for _, v := range vec {
		if v&1 != 0 {
			cached += page
		}
	}
	return st.Size(), cached, nil
}
