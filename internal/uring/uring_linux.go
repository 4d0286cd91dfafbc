//go:build linux

package uring

import (
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel's io_uring ABI (include/uapi/linux/io_uring.h), as far as a
// Reader uses it.

type sqringOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type cqringOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

type params struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  sqringOffsets
	cqOff                                                                  cqringOffsets
}

// sqe is a submission queue entry (64 bytes).
type sqe struct {
	opcode      uint8
	flags       uint8
	ioprio      uint16
	fd          int32
	off         uint64 // or addr2
	addr        uint64
	len         uint32
	opFlags     uint32
	userData    uint64
	bufIndex    uint16
	personality uint16
	fileIndex   int32
	addr3       uint64
	pad         uint64
}

// cqe is a completion queue entry (16 bytes).
type cqe struct {
	userData uint64
	res      int32
	flags    uint32
}

const (
	opClose   = 19
	opStatx   = 21
	opRead    = 22
	opOpenat2 = 28

	offSQRing = 0
	offCQRing = 0x8000000
	offSQEs   = 0x10000000

	enterGetEvents = 1
	registerProbe  = 8
	opSupported    = 1

	// entries is the ring's size: a batch's steps never have more in
	// flight.
	entries = MaxBatch
	// maxStalls times stallWait is how long a ring that gets nowhere is
	// waited for.
	maxStalls = 100
	stallWait = 100 * time.Microsecond

	statxNeeded = unix.STATX_TYPE | unix.STATX_MTIME | unix.STATX_CTIME | unix.STATX_INO | unix.STATX_SIZE

	// maxRead is the largest file a Reader reads: each of a batch's
	// slots keeps a buffer as large as the largest file it read.
	maxRead = 1 << 20
)

var _ [64]byte = [unsafe.Sizeof(sqe{})]byte{}
var _ [16]byte = [unsafe.Sizeof(cqe{})]byte{}

// Reader reads batches of files through one io_uring ring. It is not safe
// for concurrent use: each reading goroutine has its own.
type Reader struct {
	fd       int
	maps     [][]byte
	sqHead   *uint32
	sqTail   *uint32
	sqMask   uint32
	sqArray  []uint32
	sqes     []sqe
	cqHead   *uint32
	cqTail   *uint32
	cqMask   uint32
	cqes     []cqe
	pending  int // submitted, not yet completed
	toSubmit int
	res      [MaxBatch]int32
	fds      [MaxBatch]int32
	paths    [MaxBatch][]byte // NUL-terminated
	hows     [MaxBatch]unix.OpenHow
	stats    [MaxBatch]unix.Statx_t
	bufs     [MaxBatch][]byte
	unusable bool
	// enter submits toSubmit entries (io_uring_enter) and, when wait is
	// set, waits for a completion; a test's stands in for the kernel's.
	enter func(toSubmit int, wait bool) (int, unix.Errno)
}

// NewReader sets up a ring. It fails where io_uring is unavailable or
// lacks one of the operations a Reader asks for.
func NewReader() (*Reader, error) {
	var p params
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, entries, uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, ErrUnsupported
	}
	r := &Reader{fd: int(fd)}
	// Submitting alone is a raw system call, unknown to Go's scheduler:
	// the kernel runs each request there only as far as it can without
	// blocking (an open whose path is cached, a read from the page
	// cache, a close) and hands the rest to its worker threads, so the
	// call does not wait for a disk or a network. Announced as a system call that may block, each
	// let the runtime's monitor thread take the processor away for
	// another thread and wake up again and again: a 100k check without
	// caches had 2-3 times the context switches, and 2.18 against 2.06
	// s side by side. Waiting is announced, so that other goroutines run
	// meanwhile.
	r.enter = func(toSubmit int, wait bool) (int, unix.Errno) {
		var n uintptr
		var errno unix.Errno
		if wait {
			n, _, errno = unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), 1, enterGetEvents, 0, 0)
		} else {
			n, _, errno = unix.RawSyscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), 0, 0, 0, 0)
		}
		if errno != 0 {
			return 0, errno
		}
		return int(n), 0
	}
	ok := false
	defer func() {
		if !ok {
			r.Close()
		}
	}()
	mmap := func(off int64, size uint32) []byte {
		b, err := unix.Mmap(r.fd, off, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
		if err != nil {
			return nil
		}
		r.maps = append(r.maps, b)
		return b
	}
	sq := mmap(offSQRing, p.sqOff.array+p.sqEntries*4)
	cq := mmap(offCQRing, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(cqe{})))
	sqes := mmap(offSQEs, p.sqEntries*uint32(unsafe.Sizeof(sqe{})))
	if sq == nil || cq == nil || sqes == nil || !r.supports(opOpenat2, opStatx, opRead, opClose) {
		return nil, ErrUnsupported
	}
	r.sqHead = (*uint32)(unsafe.Pointer(&sq[p.sqOff.head]))
	r.sqTail = (*uint32)(unsafe.Pointer(&sq[p.sqOff.tail]))
	r.sqMask = *(*uint32)(unsafe.Pointer(&sq[p.sqOff.ringMask]))
	r.sqArray = unsafe.Slice((*uint32)(unsafe.Pointer(&sq[p.sqOff.array])), p.sqEntries)
	r.sqes = unsafe.Slice((*sqe)(unsafe.Pointer(&sqes[0])), p.sqEntries)
	r.cqHead = (*uint32)(unsafe.Pointer(&cq[p.cqOff.head]))
	r.cqTail = (*uint32)(unsafe.Pointer(&cq[p.cqOff.tail]))
	r.cqMask = *(*uint32)(unsafe.Pointer(&cq[p.cqOff.ringMask]))
	r.cqes = unsafe.Slice((*cqe)(unsafe.Pointer(&cq[p.cqOff.cqes])), p.cqEntries)
	ok = true
	return r, nil
}

// supports asks the kernel (IORING_REGISTER_PROBE, Linux 5.6) whether it
// knows every op.
func (r *Reader) supports(ops ...uint8) bool {
	var probe struct {
		lastOp, opsLen uint8
		resv           uint16
		resv2          [3]uint32
		ops            [256]struct {
			op, resv uint8
			flags    uint16
			resv2    uint32
		}
	}
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), registerProbe, uintptr(unsafe.Pointer(&probe)), 256, 0, 0)
	if errno != 0 {
		return false
	}
	for _, op := range ops {
		if op > probe.lastOp || probe.ops[op].flags&opSupported == 0 {
			return false
		}
	}
	return true
}

// Close releases the ring.
func (r *Reader) Close() error {
	if r == nil {
		return nil
	}
	for _, m := range r.maps {
		unix.Munmap(m)
	}
	r.maps = nil
	return unix.Close(r.fd)
}

func (r *Reader) push(e sqe) {
	tail := atomic.LoadUint32(r.sqTail)
	i := tail & r.sqMask
	r.sqes[i] = e
	r.sqArray[i] = i
	atomic.StoreUint32(r.sqTail, tail+1)
	r.toSubmit++
}

// run submits what was pushed and waits until all of it has completed,
// recording each result under its user data (a slot of the batch). False
// means the ring failed: what it ran is unknown.
func (r *Reader) run() bool {
	stalls := 0
	for r.toSubmit > 0 || r.pending > 0 {
		// Submitted first without waiting: what the kernel ran inline
		// is complete when the call returns, and only what it handed
		// to a worker (a statx, a read from disk) is waited for.
		n, errno := r.enter(r.toSubmit, r.toSubmit == 0)
		switch errno {
		case 0:
			r.toSubmit -= n
			r.pending += n
		case unix.EINTR:
		case unix.EAGAIN, unix.EBUSY:
			// The kernel is short of memory for requests, or has
			// completions to be reaped first (below). A ring that gets
			// nowhere is given up, not spun on: its files are read one
			// call at a time.
			if stalls++; stalls > maxStalls {
				return false
			}
			time.Sleep(stallWait)
		default:
			return false
		}
		head := atomic.LoadUint32(r.cqHead)
		tail := atomic.LoadUint32(r.cqTail)
		if head != tail || n > 0 {
			stalls = 0
		}
		for ; head != tail; head++ {
			c := &r.cqes[head&r.cqMask]
			if c.userData < MaxBatch {
				r.res[c.userData] = c.res
			}
			r.pending--
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return true
}

// start readies a batch: out holds a zero File for each path, and each
// path is copied, NUL-terminated, where the kernel reads it. False: the
// ring is not to be used, and out is the answer.
func (r *Reader) start(paths []string, out []File) ([]File, bool) {
	out = out[:0]
	for range paths {
		out = append(out, File{})
	}
	if r.unusable || len(paths) > MaxBatch {
		return out, false
	}
	for k, p := range paths {
		r.paths[k] = append(append(r.paths[k][:0], p...), 0)
	}
	return out, true
}

// Read opens each of paths (at most MaxBatch) relative to the folder dirfd
// with how, stats it (fstat), reads it whole when it is a regular file of
// at most maxSize bytes (and at most a megabyte), and closes it, filling
// files[k] for paths[k]. A path with OK false is the caller's to read.
func (r *Reader) Read(dirfd int, how *unix.OpenHow, paths []string, maxSize int64, files []File) []File {
	files, ok := r.start(paths, files)
	if !ok {
		return files
	}
	// The ring's completions come back as work queued on the thread that
	// submitted: staying on it, a wait never depends on another thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// fail gives the batch back when the ring fails before the closes are
	// asked for: what it ran is unknown, and nothing of it is used. The
	// descriptors it is known to have opened are closed here (an open
	// still in flight leaks its descriptor; the ring is not used again).
	fail := func() []File {
		r.unusable = true
		for k := range paths {
			if r.fds[k] >= 0 {
				unix.Close(int(r.fds[k]))
			}
			files[k] = File{}
		}
		return files
	}
	for k := range paths {
		r.hows[k] = *how
		r.fds[k], r.res[k] = -1, -1
		r.push(sqe{opcode: opOpenat2, fd: int32(dirfd), addr: uint64(uintptr(unsafe.Pointer(&r.paths[k][0]))),
			len: uint32(unsafe.Sizeof(unix.OpenHow{})), off: uint64(uintptr(unsafe.Pointer(&r.hows[k]))), userData: uint64(k)})
	}
	ran := r.run()
	for k := range paths {
		if r.res[k] >= 0 {
			r.fds[k] = r.res[k]
		}
	}
	if !ran {
		return fail()
	}
	// Each opened file is stat'ed by a plain fstat, not through the
	// ring: the kernel hands every statx a ring is given to one of its
	// worker threads (io_statx_prep sets REQ_F_FORCE_ASYNC), and waking
	// one and waiting for it costs more than the call. At 100,000 notes
	// that was 100,000 requests handed off, 3,362 waits for them and
	// twice the context switches of the whole run.
	limit := min(maxSize, maxRead)
	for k := range paths {
		r.res[k] = -1
		var st unix.Stat_t
		if r.fds[k] < 0 || unix.Fstat(int(r.fds[k]), &st) != nil ||
			st.Mode&unix.S_IFMT != unix.S_IFREG || int64(st.Size) > limit {
			continue
		}
		size := int(st.Size)
		if cap(r.bufs[k]) < size {
			r.bufs[k] = make([]byte, size, size+size/4)
		}
		r.bufs[k] = r.bufs[k][:size]
		files[k] = fileOfStat(&st)
		if size == 0 {
			r.res[k] = 0
			continue
		}
		r.res[k] = -1
		r.push(sqe{opcode: opRead, fd: r.fds[k], addr: uint64(uintptr(unsafe.Pointer(&r.bufs[k][0]))), len: uint32(size), userData: uint64(k)})
	}
	if !r.run() {
		return fail()
	}
	for k := range paths {
		if r.res[k] >= 0 && int64(r.res[k]) == files[k].Size {
			files[k].OK, files[k].Data = true, r.bufs[k][:files[k].Size]
		} else {
			files[k] = File{}
		}
	}
	for k := range paths {
		if r.fds[k] >= 0 {
			r.push(sqe{opcode: opClose, fd: r.fds[k], userData: uint64(k)})
		}
	}
	if !r.run() {
		// Some closes may have run: closing the descriptors again could
		// close another file that took one's number since. They are left
		// open (32 at most, once: the ring is not used again); what was
		// read is whole.
		r.unusable = true
	}
	return files
}

// Stat stats each of paths (at most MaxBatch) relative to the folder
// dirfd without following a symlink at its end, as fstatat with
// AT_SYMLINK_NOFOLLOW does, filling stats[k] for paths[k] (without Data).
// OK is true for a regular file only: for anything else, and for any
// error, the caller stats the path itself.
func (r *Reader) Stat(dirfd int, paths []string, stats []File) []File {
	stats, ok := r.start(paths, stats)
	if !ok {
		return stats
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for k := range paths {
		r.res[k] = -1
		r.push(sqe{opcode: opStatx, fd: int32(dirfd), addr: uint64(uintptr(unsafe.Pointer(&r.paths[k][0]))),
			len: unix.STATX_BASIC_STATS, opFlags: unix.AT_SYMLINK_NOFOLLOW, off: uint64(uintptr(unsafe.Pointer(&r.stats[k]))), userData: uint64(k)})
	}
	if !r.run() {
		r.unusable = true
		return stats
	}
	for k := range paths {
		if st := &r.stats[k]; r.res[k] >= 0 && st.Mask&statxNeeded == statxNeeded && st.Mode&unix.S_IFMT == unix.S_IFREG {
			stats[k] = fileOf(st)
			stats[k].OK = true
		}
	}
	return stats
}

// fileOf is what a File says of the statx st.
func fileOf(st *unix.Statx_t) File {
	return File{Size: int64(st.Size), Ino: st.Ino, Dev: unix.Mkdev(st.Dev_major, st.Dev_minor),
		Mtime: st.Mtime.Sec*1e9 + int64(st.Mtime.Nsec), Ctime: st.Ctime.Sec*1e9 + int64(st.Ctime.Nsec)}
}

// fileOfStat is what a File says of the fstat st (its fields' types vary
// by architecture).
func fileOfStat(st *unix.Stat_t) File {
	return File{Size: int64(st.Size), Ino: uint64(st.Ino), Dev: uint64(st.Dev),
		Mtime: int64(st.Mtim.Sec)*1e9 + int64(st.Mtim.Nsec), Ctime: int64(st.Ctim.Sec)*1e9 + int64(st.Ctim.Nsec)}
}
