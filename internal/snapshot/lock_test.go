package snapshot

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestLockContentionInProcess(t *testing.T) {
	s := newStore(t)
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lock(); !errors.Is(err, ErrLocked) {
		t.Errorf("relock by the holder: %v", err)
	}
	_, err = other.Lock()
	le, ok := errors.AsType[*LockedError](err)
	if !ok || !errors.Is(err, ErrLocked) {
		t.Fatalf("other.Lock: err = %v, want *LockedError", err)
	}
	host, _ := os.Hostname()
	if le.Holder.PID != os.Getpid() || le.Holder.Host != host || le.Holder.Time.IsZero() {
		t.Errorf("holder = %+v", le.Holder)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Errorf("second unlock: %v", err)
	}
	unlock2, err := other.Lock()
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	// Close releases the lock too.
	_ = unlock2
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), lockName)); !os.IsNotExist(err) {
		t.Errorf("lock file after Close: %v", err)
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func writeLock(t *testing.T, s *Store, content string, age time.Duration) {
	t.Helper()
	p := filepath.Join(s.Dir(), lockName)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	mt := time.Now().Add(-age)
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
}

func TestStaleLock(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("needs a dead pid")
	}
	host, _ := os.Hostname()
	dead := deadPID(t)
	info := func(pid int, host string) string {
		b, _ := json.Marshal(LockInfo{PID: pid, Host: host, Time: time.Now()})
		return string(b)
	}
	tests := []struct {
		desc      string
		content   string
		age       time.Duration
		wantTaken bool
	}{
		{"dead pid on this host", info(dead, host), 0, true},
		{"live pid on this host", info(os.Getpid(), host), time.Hour, false},
		{"dead pid on another host", info(dead, "elsewhere.example"), time.Hour, false},
		{"unreadable and fresh (holder still writing)", "", 0, false},
		{"unreadable and old", "garbage", time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			s := newStore(t)
			writeLock(t, s, tt.content, tt.age)
			unlock, err := s.Lock()
			if tt.wantTaken {
				if err != nil {
					t.Fatalf("Lock: %v, want takeover", err)
				}
				b, _ := os.ReadFile(filepath.Join(s.Dir(), lockName))
				var got LockInfo
				if json.Unmarshal(b, &got) != nil || got.PID != os.Getpid() {
					t.Errorf("lock content after takeover = %s", b)
				}
				unlock()
				return
			}
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("Lock: %v, want ErrLocked", err)
			}
			b, _ := os.ReadFile(filepath.Join(s.Dir(), lockName))
			if string(b) != tt.content {
				t.Errorf("lock file changed to %q", b)
			}
			// BreakLock is the way out.
			if _, err := s.BreakLock(); err != nil {
				t.Fatal(err)
			}
			unlock, err = s.Lock()
			if err != nil {
				t.Fatalf("Lock after BreakLock: %v", err)
			}
			unlock()
		})
	}
}

func TestBreakLockWhileHeld(t *testing.T) {
	s := newStore(t)
	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.BreakLock()
	if err != nil || info.PID != os.Getpid() {
		t.Fatalf("BreakLock = %+v, %v", info, err)
	}
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	unlock2, err := other.Lock()
	if err != nil {
		t.Fatal(err)
	}
	// The first holder must not remove the new holder's lock.
	if err := unlock(); err == nil {
		t.Error("unlock of a broken lock reported no error")
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), lockName)); err != nil {
		t.Errorf("new holder's lock removed: %v", err)
	}
	if err := unlock2(); err != nil {
		t.Error(err)
	}
}

// TestHelperLockHolder is not a real test: TestLockOtherProcess runs the test
// binary again to hold the lock from another process.
func TestHelperLockHolder(t *testing.T) {
	dir := os.Getenv("SNAPSHOT_HELPER_STORE")
	if dir == "" {
		t.Skip("helper process only")
	}
	s, err := Open(dir)
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	if _, err := s.Lock(); err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	fmt.Println("locked")
	select {} // hold until killed
}

func TestLockOtherProcess(t *testing.T) {
	if runtime.GOOS == "windows" || testing.Short() {
		t.Skip("runs a subprocess")
	}
	s := newStore(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLockHolder$")
	cmd.Env = append(os.Environ(), "SNAPSHOT_HELPER_STORE="+s.Dir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	_, err = s.Lock()
	le, ok := errors.AsType[*LockedError](err)
	if !ok {
		t.Fatalf("Lock while another process holds it: %v", err)
	}
	if le.Holder.PID != cmd.Process.Pid {
		t.Errorf("holder pid = %d, want %d", le.Holder.PID, cmd.Process.Pid)
	}

	// The holder dies without unlocking (SIGKILL): its lock is now stale.
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := s.Lock()
	if err != nil {
		t.Fatalf("Lock after the holder died: %v", err)
	}
	if err := unlock(); err != nil {
		t.Error(err)
	}
}
