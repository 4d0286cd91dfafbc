package review

import (
	"html"
	"os"
	"path/filepath"
	"sync"
)

// WriteLauncher writes a small HTML file that sends a browser on to target
// (the address with the run's token), so that the browser can be started on
// the file's path instead of the address: a command line is readable by
// every user of the machine (ps, /proc), the file only by its owner (mode
// 0600 in a folder of mode 0700). Jupyter opens its browser the same way.
// remove deletes the file and its folder; it may be called more than once.
func WriteLauncher(target string) (path string, remove func(), err error) {
	dir, err := os.MkdirTemp("", "relink-review-")
	if err != nil {
		return "", nil, err
	}
	remove = sync.OnceFunc(func() { os.RemoveAll(dir) })
	// MkdirTemp makes the folder 0700 already; say so rather than rely on it.
	if err := os.Chmod(dir, 0o700); err != nil {
		remove()
		return "", nil, err
	}
	path = filepath.Join(dir, "open.html")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		remove()
		return "", nil, err
	}
	_, err = f.Write(launcherPage(target))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		remove()
		return "", nil, err
	}
	return path, remove, nil
}

// launcherPage redirects at once with a meta refresh, which works from a
// file: page without script, and keeps a link for a browser that does not
// follow it.
func launcherPage(target string) []byte {
	u := html.EscapeString(target)
	return []byte(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=` + u + `">
<title>relink review</title>
</head>
<body>
<p>Opening relink review… If nothing happens, <a href="` + u + `">open the review page</a>.</p>
</body>
</html>
`)
}
