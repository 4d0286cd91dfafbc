// Package snapshot is relink's content-addressed snapshot store: before
// relink changes vault files it records their old and new content here, so
// every change can be listed, verified, undone, and rolled forward or back
// after a crash. It knows nothing of Markdown: files are paths and bytes.
//
// # On-disk format (store versions 2 and 3)
//
// A store is one directory, by default outside the vault (see DefaultDir):
//
//	<store>/config                 {"version":2}, or 3 once a name needs it
//	<store>/lock                   present while a process holds the lock
//	<store>/journal.json           present while an operation is in progress
//	<store>/packs/<id>.pack        file contents, deduplicated, many per file
//	<store>/objects/ab/<sha256>    file contents of version 1 stores, one per file
//	<store>/snapshots/<id>.json    one manifest per committed snapshot
//
// config is written when the store is created. A reader refuses a store
// whose version is newer than it knows. Open refuses a non-empty directory
// without a config, so a mistyped path never litters a user's folder.
// Directories are created 0700 and files 0600 (packs, objects and
// manifests 0400): the store holds copies of private notes.
//
// An object is a stored content, named by the SHA-256 of its uncompressed
// bytes. Stored, it is a format tag byte and a payload:
//
//	'z'  the rest is zstd-compressed content (one or more zstd frames)
//	'r'  the rest is the raw content (used when zstd would not shrink it)
//
// packs/<id>.pack (<id>: 32 random hex digits) holds the objects one
// PutObjects call stored (Begin makes one call per operation), the contents
// of one file compressed together in one frame; see pack.go for the byte
// layout. Version 1 stores kept each object in objects/ab/<sha256> ("ab"
// its first two hex digits), the file holding the tag and payload of that
// object alone. This package still reads them, and rewrites config as
// version 2 the first time it stores objects in such a store, so that an
// older relink refuses the store rather than miss the packed objects.
// Version 3 is the same layout with file names that are not UTF-8 in its
// manifests (path_base64, vault_base64; see FileEntry): a store becomes
// version 3 only when it first records such a name.
//
// Objects are never modified. Readers check the hash on every read, so a
// damaged object is reported, never restored. Objects are limited to
// MaxObjectSize bytes.
//
// snapshots/<id>.json: a Manifest, immutable once written. The id is the UTC
// time the operation began and 8 random hex digits, "20261125T101530Z-1a2b3c4d",
// so ids sort by time. Example:
//
//	{
//	  "version": 1,
//	  "id": "20261125T101530Z-1a2b3c4d",
//	  "time": "2026-11-25T10:15:30.123456789Z",
//	  "op": "apply",
//	  "vault": "/home/ann/Notes",
//	  "state": "committed",
//	  "files": [
//	    {
//	      "path": "Topics/Snapshots.md",
//	      "before": {"sha256": "9f86…", "size": 1234, "mode": 420},
//	      "after":  {"sha256": "60303…", "size": 1230, "mode": 420}
//	    }
//	  ]
//	}
//
// op is "apply", "undo" or "restore"; undo and restore name the snapshot
// they revert in "parent". files is sorted by path; paths are relative to the
// vault, "/"-separated and clean. "before" is absent for a file the
// operation created, "after" for one it deleted. mode holds the permission
// bits as a decimal number (420 = 0644). A path (or the vault) that is not
// valid UTF-8 is "path_base64" ("vault_base64"), its bytes in standard
// base64, instead. Unknown fields are ignored.
//
// journal.json has the manifest's format with state "pending"; it lists
// every file the operation intends to change.
//
// lock holds {"pid":…,"host":…,"time":…} of the process holding the lock.
//
// Files named ".relink-tmp-*" anywhere in the store are temp files of
// interrupted writes; Prune deletes them.
//
// # Operation protocol
//
//  1. Lock. Only the lock holder may Begin, Commit, Abort or Prune.
//  2. Pending: if a journal exists, a previous run crashed; recover first.
//  3. Begin stores the before and after content of every file to change
//     as objects (PutObjects: one pack, compressed on all cores, fsynced
//     with its directory), then writes the journal (atomically). Only then does
//     the caller touch the vault. If Begin fails, for a full disk or
//     anything else, the vault must not be touched.
//  4. The caller rewrites vault files (atomicfile.Write), skipping any file
//     that changed since it was read.
//  5. Commit writes snapshots/<id>.json with the files actually changed.
//     Its atomic rename is the commit point. Then the journal is removed.
//  6. Unlock.
//
// # Crash recovery
//
// After a crash during step 4 the journal is pending. For each listed file
// the caller hashes its current content and asks FileEntry.Which: every file
// is at its before content, its after content, or changed by someone else
// (left alone). The caller then either rolls forward (write the after
// content to files at before, Commit with the files at after) or rolls back
// (write the before content to files at after, Abort). A crash between the
// manifest's rename and the journal's removal is detected (the manifest
// exists) and the journal is ignored, then deleted by the next Begin.
//
// # Invariants
//
//   - Every pack, journal and manifest is written through atomicfile:
//     temp file, rename; journals and manifests with an fsync of the file
//     and directory each, a pack with the barrier of PutObjects before the
//     journal. No reader ever sees a partial file.
//   - An object's name is the SHA-256 of its content; objects and packs
//     are never rewritten (Prune replaces a pack by a smaller one, durable
//     before the old one goes).
//   - Everything a journal or manifest references was durable before the
//     journal or manifest was written.
//   - A committed manifest is never modified; only Prune deletes it, and
//     then only manifests first, unreferenced objects second.
//   - Prune never deletes an object referenced by a remaining manifest or by
//     the pending journal, and refuses an empty policy.
//   - All store access goes through an *os.Root on the store directory.
//
// # Concurrency
//
// A Store is safe for concurrent use by goroutines. Between processes the
// lock file serialises writers (O_EXCL, plus flock where available; stale
// locks of dead processes on the same host are taken over). Readers (List,
// Load, GetObject, Verify, Pending) need no lock: every file they read
// appears atomically.
//
// # Dependencies
//
// Standard library, internal/atomicfile and github.com/klauspost/compress/zstd.
// It must not import any package that knows about notes or links.
package snapshot
