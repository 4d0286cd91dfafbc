package note

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"

	"github.com/relinkmd/relink/wikilink"
)

// checkText rejects a file with a NUL byte (ErrBinary, whatever else is
// wrong with it) or invalid UTF-8 (ErrEncoding), and one too long for
// int32 spans (ErrTooLarge).
func checkText(src []byte) error {
	if len(src) > wikilink.MaxSource {
		return ErrTooLarge
	}
	if validText(src) {
		return nil
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return ErrBinary
	}
	return ErrEncoding
}

// checkTextReference is checkText by the standard library's two passes,
// the authority validText is held to.
func checkTextReference(src []byte) error {
	if len(src) > wikilink.MaxSource {
		return ErrTooLarge
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return ErrBinary
	}
	if !utf8.Valid(src) {
		return ErrEncoding
	}
	return nil
}

// validText reports whether src is valid UTF-8 (as utf8.Valid has it: no
// overlong forms, no surrogates, nothing past U+10FFFF) without a NUL byte.
//
// It replaces bytes.IndexByte plus utf8.Valid, which are two passes, and
// utf8.Valid branches on every character: on notes that mix Korean and
// English that was 15% of parsing. Here words of ASCII are skipped eight
// bytes at a time and everything else goes through a shift-based DFA, one
// table load and one shift per byte and no branch. NUL is an error state
// of the DFA; the rare failures are told apart afterwards.
func validText(src []byte) bool {
	const hi = 0x8080808080808080
	const low7 = 0x7F7F7F7F7F7F7F7F
	var s uint64 // the DFA state is its low six bits
	i := 0
	for ; i+8 <= len(src); i += 8 {
		w := src[i : i+8 : i+8]
		if s&63 == sAccept {
			// For bytes below 0x80, adding 0x7F sets the top bit of
			// exactly the non-zero ones.
			if x := binary.LittleEndian.Uint64(w); x&hi == 0 && (x+low7)&hi == hi {
				continue
			}
		}
		s = utf8Rows[w[0]] >> (s & 63)
		s = utf8Rows[w[1]] >> (s & 63)
		s = utf8Rows[w[2]] >> (s & 63)
		s = utf8Rows[w[3]] >> (s & 63)
		s = utf8Rows[w[4]] >> (s & 63)
		s = utf8Rows[w[5]] >> (s & 63)
		s = utf8Rows[w[6]] >> (s & 63)
		s = utf8Rows[w[7]] >> (s & 63)
	}
	for _, c := range src[i:] {
		s = utf8Rows[c] >> (s & 63)
	}
	return s&63 == sAccept
}

// The DFA's states are multiples of 6, so that row b packs the successor
// of every state on byte b into one uint64: next = utf8Rows[b] >> state.
// The error state leads to itself.
const (
	sAccept = iota * 6
	sError
	sCont1 // one continuation byte to go
	sCont2
	sCont3
	sE0 // after E0: A0–BF (no overlong three-byte form)
	sED // after ED: 80–9F (no surrogate)
	sF0 // after F0: 90–BF (no overlong four-byte form)
	sF4 // after F4: 80–8F (nothing past U+10FFFF)
)

var utf8Rows = func() (rows [256]uint64) {
	next := func(from uint64, lo, hi byte, to uint64) {
		for b := int(lo); b <= int(hi); b++ {
			rows[b] &^= 63 << from
			rows[b] |= to << from
		}
	}
	for b := range rows {
		for s := uint64(sAccept); s <= sF4; s += 6 {
			rows[b] |= sError << s
		}
	}
	next(sAccept, 0x01, 0x7F, sAccept)
	next(sAccept, 0xC2, 0xDF, sCont1)
	next(sAccept, 0xE0, 0xE0, sE0)
	next(sAccept, 0xE1, 0xEC, sCont2)
	next(sAccept, 0xED, 0xED, sED)
	next(sAccept, 0xEE, 0xEF, sCont2)
	next(sAccept, 0xF0, 0xF0, sF0)
	next(sAccept, 0xF1, 0xF3, sCont3)
	next(sAccept, 0xF4, 0xF4, sF4)
	next(sCont1, 0x80, 0xBF, sAccept)
	next(sCont2, 0x80, 0xBF, sCont1)
	next(sCont3, 0x80, 0xBF, sCont2)
	next(sE0, 0xA0, 0xBF, sCont1)
	next(sED, 0x80, 0x9F, sCont1)
	next(sF0, 0x90, 0xBF, sCont2)
	next(sF4, 0x80, 0x8F, sCont2)
	return rows
}()
