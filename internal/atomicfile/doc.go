// Package atomicfile replaces files inside an [os.Root] so that a reader (or a
// crash) sees either the complete old content or the complete new content,
// never a torn mix.
//
// [Write] follows the classic order (restic's, among others):
//
//  1. Lstat the target: a symlink or other non-regular file is refused
//     ([ErrSymlink], [ErrNotRegular]); an existing regular file lends its
//     permission bits (and, best effort, its owner) to the new content.
//  2. Create a temp file ".relink-tmp-<random>" in the target's own directory
//     (never /tmp: a rename across devices is not atomic) with
//     O_WRONLY|O_CREATE|O_EXCL.
//  3. Write, Sync, fix mode/owner, Close.
//  4. Rename the temp file over the target.
//  5. Sync the directory so the rename itself is durable.
//
// The temp file is removed on every error before step 4.
//
// [Stage] and [Staged.Publish] split Write for batches: stage every temp
// file unsynced, make them all durable at once ([SyncFS], one syncfs(2) on
// Linux; else [Staged.Sync] each), publish (rename) each, then sync the
// directories (or SyncFS again). The fault steps are the same.
//
// [Staged.PublishOver] is Publish for a target the caller read through
// [Dir.ReadFile] and checked: it replaces only the file read (another
// program's atomic save puts another file under the name; on Linux the
// temp file and the target are swapped in one step and swapped back if the
// file displaced is not the one read, elsewhere the name is checked right
// before the rename), and the file read stays open ([Old]) so that, after
// the rename, [Old.ReadAll] shows an edit written into it in place between
// the caller's check and the rename. [Dir.RemoveOver] is the same for a
// removal.
//
// [Create] streams a new file's content into its temp file ([TempWriter])
// instead of taking it whole; [TempWriter.Stage] then returns the same
// [Staged].
//
// [Dir] is one open folder for batches of thousands of files: its
// [Dir.ReadFile] and [Dir.Stage] use the folder's descriptor and raw
// system calls on Unix, and ReadFile can leave the file it read open
// ([Old]), so that the rename replacing it does not also free it.
//
// # Invariants
//
//   - If Write returns, with or without error, the target holds either its
//     old bytes or data, in full.
//   - All access goes through the caller's *os.Root: no path, symlink or
//     ".." can make Write touch a file outside the root.
//   - An existing file keeps its permission bits exactly (umask does not
//     apply); a new file is created with perm &^ umask, as [os.WriteFile] does.
//   - Replacing a file gives it a new inode: other hard links to it keep the
//     old content, and a process holding it open keeps reading the old bytes.
//   - Temp files are named ".relink-tmp-*"; scanners should ignore them and
//     cleanup tools may delete stale ones.
//
// # Fault injection
//
// Crash-safety tests need to fail or kill the process at a precise write.
// Write consults a fault check at each of these steps, passing the step name
// and the target name (slash-separated, relative to the root):
//
//	temp-write         after each Write to a [TempWriter], temp file incomplete
//	after-temp-write   data written to the temp file, before Sync/Rename
//	before-rename      temp file complete and closed, target untouched
//	                   (also before the removal of Dir.RemoveOver)
//	after-rename       target replaced, directory not yet synced
//
// Two seams feed that check; both are for tests only.
//
// [SetFaultHook] installs an in-process hook, for Go tests in other packages.
// It is process-global: tests that use it must not run in parallel with
// other writers.
//
// The environment variable RELINK_FAULT ([FaultEnv]), read once on the first
// Write, drives end-to-end tests of the relink binary. It holds
// comma-separated rules of the form
//
//	[kill:|edit:]STEP:N[:GLOB]
//
// A rule fires on the Nth occurrence (1-based, counted per rule over the
// whole process) of STEP whose target base name matches GLOB ([path.Match]
// syntax; default "*"). A plain rule makes that Write fail with [ErrInjected]
// (cleaning up like any failure); a "kill:" rule ends the process at once
// with exit code 137 ([KillExitCode]), running no cleanup or deferred
// functions, like a SIGKILL; an "edit:" rule (step before-rename only)
// appends [EditText] to the target in place, as a program that has it open
// would, between the caller's last check and the rename, and the write
// goes on. Examples:
//
//	RELINK_FAULT=before-rename:2            the 2nd write fails, its target intact
//	RELINK_FAULT=kill:after-rename:3:*.md   die right after the 3rd note's rename
//	RELINK_FAULT=edit:before-rename:1:b.md  b.md is edited just before its rename
//
// A malformed RELINK_FAULT makes every Write fail, so that a typo in a test
// cannot silently disable the fault. This is the one place where the package
// reads the environment or exits the process, and only when RELINK_FAULT is
// set.
//
// Note that the snapshot store writes through this package too, so counts
// include its packs ("packs/<id>.pack", one temp-write per object stored),
// journal ("journal.json") and manifests ("snapshots/<id>.json"); use GLOB
// to target one kind.
//
// # Dependencies
//
// The standard library and golang.org/x/sys/unix (syncfs, and the system
// calls of Dir). Must not import any other relink package.
package atomicfile
