package workspace

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/relinkmd/relink/internal/note"
	"github.com/relinkmd/relink/internal/notecache"
)

// linkKeysCacheFile is the link-key cache's name, in the note cache's
// folder.
const linkKeysCacheFile = "linkkeys.cache"

// The link-key cache holds the base of a linkKeys and, for each note, the
// digest of the links it was worked out from:
//
//	magic, then uvarint-prefixed: the executable's tag (another build
//	of relink may file keys otherwise); the count of notes, and for each
//	its path and its links' digest (32 bytes); the count of pairs, and
//	each pair: the key's hash (8 bytes) and the note's number (4 bytes),
//	sorted by hash; then a CRC-32C of everything before it.
//
// Like the other caches it only saves time: a file that is missing,
// damaged or of another build reads as empty, and one that cannot be
// written is not reported.
var linkKeysMagic = []byte("relink link keys 1\n")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// linkKeysFile is a link-key cache as read.
type linkKeysFile struct {
	paths    []string
	digests  [][32]byte
	docs     map[string]int // path -> number
	pairHash []uint64
	pairDoc  []uint32
}

// readLinkKeysCache reads the cache at file; empty when there is none
// this build can use.
func readLinkKeysCache(file string) linkKeysFile {
	if file == "" {
		return linkKeysFile{}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return linkKeysFile{}
	}
	f, ok := decodeLinkKeys(b, notecache.ExecutableTag())
	if !ok {
		return linkKeysFile{}
	}
	return f
}

func decodeLinkKeys(b []byte, tag string) (linkKeysFile, bool) {
	if len(b) < len(linkKeysMagic)+4 || !bytes.HasPrefix(b, linkKeysMagic) {
		return linkKeysFile{}, false
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(body):]) {
		return linkKeysFile{}, false
	}
	r := body[len(linkKeysMagic):]
	bad := false
	u := func() int {
		v, n := binary.Uvarint(r)
		if n <= 0 || v > uint64(len(r)) {
			bad, r = true, nil
			return 0
		}
		r = r[n:]
		return int(v)
	}
	str := func() string {
		n := u()
		if n > len(r) {
			bad, r = true, nil
			return ""
		}
		s := string(r[:n])
		r = r[n:]
		return s
	}
	if str() != tag || bad {
		return linkKeysFile{}, false
	}
	var f linkKeysFile
	n := u()
	f.paths, f.digests, f.docs = make([]string, n), make([][32]byte, n), make(map[string]int, n)
	for i := range n {
		f.paths[i] = str()
		if bad || len(r) < 32 {
			return linkKeysFile{}, false
		}
		f.digests[i] = [32]byte(r[:32])
		r = r[32:]
		f.docs[f.paths[i]] = i
	}
	p := u()
	if bad || len(r) != 12*p {
		return linkKeysFile{}, false
	}
	f.pairHash, f.pairDoc = make([]uint64, p), make([]uint32, p)
	for k := range p {
		f.pairHash[k] = binary.LittleEndian.Uint64(r[12*k:])
		f.pairDoc[k] = binary.LittleEndian.Uint32(r[12*k+8:])
		if f.pairDoc[k] >= uint32(n) || k > 0 && f.pairHash[k] < f.pairHash[k-1] {
			return linkKeysFile{}, false
		}
	}
	return f, true
}

// writeLinkKeysCache saves lk's base, just built for notes (base doc i is
// notes[i]), to file.
func writeLinkKeysCache(file string, notes []*note.Note, lk *linkKeys) {
	// Only beside a note cache: a vault gets no store of its own from
	// this cache.
	if _, err := os.Stat(filepath.Dir(file)); err != nil {
		return
	}
	notecache.WriteAtomic(file, func(w *bufio.Writer) error {
		return encodeLinkKeys(w, notes, lk, notecache.ExecutableTag())
	})
}

// encodeLinkKeys writes the cache to w, piece by piece (at 100,000 notes
// it is tens of megabytes: a server is not to hold it twice).
func encodeLinkKeys(w io.Writer, notes []*note.Note, lk *linkKeys, tag string) error {
	crc := crc32.New(castagnoli)
	out := io.MultiWriter(w, crc)
	b := append([]byte(nil), linkKeysMagic...)
	flush := func(force bool) error {
		if len(b) < 64<<10 && !force {
			return nil
		}
		_, err := out.Write(b)
		b = b[:0]
		return err
	}
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(tag)
	b = binary.AppendUvarint(b, uint64(len(notes)))
	for _, n := range notes {
		str(n.Path)
		d := n.LinksDigest()
		b = append(b, d[:]...)
		if err := flush(false); err != nil {
			return err
		}
	}
	b = binary.AppendUvarint(b, uint64(len(lk.baseHash)))
	for k, h := range lk.baseHash {
		b = binary.LittleEndian.AppendUint64(b, h)
		b = binary.LittleEndian.AppendUint32(b, lk.baseDoc[k])
		if err := flush(false); err != nil {
			return err
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}
