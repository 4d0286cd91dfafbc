//go:build linux

// Command writefloor measures what rewriting files costs on a file system
// when nothing but SPEC §7's steps is done: for each file, read it and
// hash it, write a temp file next to it, then one syncfs(2); then read it
// again, compare the hash and rename the temp file over it (the replaced
// file closed on other goroutines, as relink apply does), then syncfs again.
// Each file gets its own content back, so the vault's bytes do not change
// (its inodes do). No parsing, no plan, no snapshot: the floor under the
// write passes of `relink apply`, on the same files.
//
//	relink plan --format json VAULT > plan.json
//	go run ./bench/writefloor VAULT < plan.json
//
// It prints the time and the process's user and system CPU after each
// pass. Run it on a copy made for the purpose: like apply, it is slowed by
// files deleted in the last minutes (ext4 without a journal skips their
// inodes when it creates new ones; see docs/performance.md).
package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: writefloor VAULT < plan.json")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "writefloor:", err)
		os.Exit(1)
	}
}

// planDoc is the part of `relink plan --format json` used here.
type planDoc struct {
	Edits []struct {
		File string `json:"file"`
	} `json:"edits"`
}

func run(vault string) error {
	var doc planDoc
	if err := json.NewDecoder(os.Stdin).Decode(&doc); err != nil {
		return fmt.Errorf("reading the plan on stdin: %w", err)
	}
	var files []string
	for _, e := range doc.Edits {
		files = append(files, e.File)
	}
	slices.Sort(files)
	files = slices.Compact(files)
	if len(files) == 0 {
		return fmt.Errorf("the plan has no edits")
	}

	// One descriptor per folder, the files of a folder staged together:
	// as apply does.
	dirFD := map[string]int{}
	var dirs []string
	byDir := map[string][]int{}
	for i, f := range files {
		d := path.Dir(f)
		if _, ok := dirFD[d]; !ok {
			fd, err := unix.Open(vault+"/"+d, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("%s: %w", d, err)
			}
			dirFD[d] = fd
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], i)
	}
	anyDir := dirFD[dirs[0]]

	t0 := time.Now()
	report := func(what string) {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		fmt.Printf("%-40s %7.3f s   user %6.2f s   sys %6.2f s\n", what, time.Since(t0).Seconds(),
			time.Duration(ru.Utime.Nano()).Seconds(), time.Duration(ru.Stime.Nano()).Seconds())
	}
	fmt.Printf("%d files in %d folders\n", len(files), len(dirs))

	sums := make([][32]byte, len(files))
	temps := make([]string, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	work := make(chan string)
	for range 4 {
		wg.Go(func() {
			for d := range work {
				for _, i := range byDir[d] {
					errs[i] = stage(dirFD[d], path.Base(files[i]), i, &sums[i], &temps[i])
				}
			}
		})
	}
	for _, d := range dirs {
		work <- d
	}
	close(work)
	wg.Wait()
	if err := firstErr(files, errs); err != nil {
		return err
	}
	report("read, hash, temp file written")
	if err := unix.Syncfs(anyDir); err != nil {
		return err
	}
	report("syncfs")

	replaced := make(chan int, 256)
	var closers sync.WaitGroup
	for range 16 {
		closers.Go(func() {
			for fd := range replaced {
				_ = unix.Close(fd)
			}
		})
	}
	var mu sync.Mutex
	next := 0
	for range 4 {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(files) {
					return
				}
				errs[i] = publish(dirFD[path.Dir(files[i])], path.Base(files[i]), temps[i], sums[i], replaced)
			}
		})
	}
	wg.Wait()
	close(replaced)
	closers.Wait()
	if err := firstErr(files, errs); err != nil {
		return err
	}
	report("read, hash, renamed (replaced closed)")
	if err := unix.Syncfs(anyDir); err != nil {
		return err
	}
	report("syncfs")
	return nil
}

func firstErr(files []string, errs []error) error {
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("%s: %w", files[i], err)
		}
	}
	return nil
}

// read returns the content of base and the file, still open.
func read(dir int, base string) ([]byte, int, error) {
	fd, err := unix.Openat(dir, base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, -1, err
	}
	b := make([]byte, st.Size+1)
	n := 0
	for {
		m, err := unix.Read(fd, b[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			unix.Close(fd)
			return nil, -1, err
		}
		n += m
		if m == 0 || n == len(b) {
			break
		}
	}
	return b[:n], fd, nil
}

func stage(dir int, base string, i int, sum *[32]byte, temp *string) error {
	b, fd, err := read(dir, base)
	if err != nil {
		return err
	}
	unix.Close(fd)
	*sum = sha256.Sum256(b)
	*temp = fmt.Sprintf(".relink-tmp-floor-%d", i)
	t, err := unix.Openat(dir, *temp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return err
	}
	for len(b) > 0 {
		n, err := unix.Write(t, b)
		if err != nil {
			unix.Close(t)
			return err
		}
		b = b[n:]
	}
	return unix.Close(t)
}

func publish(dir int, base, temp string, sum [32]byte, replaced chan<- int) error {
	b, fd, err := read(dir, base)
	if err != nil {
		return err
	}
	if sha256.Sum256(b) != sum {
		unix.Close(fd)
		_ = unix.Unlinkat(dir, temp, 0)
		return fmt.Errorf("changed meanwhile; left alone")
	}
	if err := unix.Renameat(dir, temp, dir, base); err != nil {
		unix.Close(fd)
		return err
	}
	replaced <- fd
	return nil
}
