// Package markdown finds the parts of a note body that are not prose: code
// (fenced, indented, inline), HTML comments, Obsidian %%comments%% and math
// blocks. Links inside them are not links. It also collects headings and
// block ids for anchor checks.
//
// It is a fast line scanner, not a renderer: goldmark is the authority on
// CommonMark, and a differential fuzz test holds this scanner to it.
//
// # How it works
//
// Analyze makes one pass over the lines, in two layers, as goldmark does:
//
//   - The block layer (block.go) is a port of goldmark's block parser,
//     kept to what decides where things are: block quotes and list items
//     (with their indentation and lazy continuation lines), fenced and
//     indented code, HTML blocks, ATX and setext headings, thematic breaks,
//     paragraphs and link reference definitions. It builds no tree; it keeps
//     only the open blocks and a few counters.
//   - The inline layer (inline.go) runs over each paragraph and heading
//     when it closes. It finds code spans (which may span lines), raw HTML
//     and HTML comments, autolinks, and the link tails goldmark consumes
//     ("[text](dest "title")"), so that a backtick inside them opens no code
//     span. It also finds the Obsidian extensions %%comment%% and $math$,
//     and block ids at the ends of lines.
//
// A %%comment%% (or a "$$" display block that starts a line) that runs
// past the end of its paragraph, over blank lines or blocks, is raw text
// up to its close, as in Obsidian: the block layer then starts afresh
// after it, at the top level. An unclosed %% runs to the end of the file;
// an unclosed "$$" is just text.
//
// # Invariants
//
//   - Result.Skip is sorted, its spans are non-empty, do not overlap or
//     touch, and lie within [start, len(src)]. A span may include
//     container prefixes ("> ", list indentation) between the lines of a
//     block; no link can start there anyway.
//   - Offsets are into src; Heading.Line counts lines from the start of
//     src (1-based), frontmatter included.
//   - Lines end at '\n'; a '\r' before it is a space, as in goldmark. A
//     UTF-8 byte order mark at start is skipped. Any input is accepted:
//     invalid UTF-8 and NUL bytes are just bytes, and Analyze never
//     panics.
//   - Headings and block ids inside code, HTML blocks and comments are not
//     reported. Headings inside block quotes and list items are.
//
// # Where it differs from goldmark
//
// With the extensions turned off, a "[[" (indeed any ASCII letter) lies in
// Skip exactly when goldmark (CommonMark, no extensions) puts it in a code
// span, a code block or an HTML comment. The differential test checks this
// on a corpus of tricky inputs, on generated documents, under a fuzzer and
// on real vaults. Known differences, none seen in practice:
//
//   - Link labels are case-folded with Unicode simple folding, goldmark
//     uses full folding ("ß" matches "SS" there, not here). This only
//     matters for a reference link whose label holds such a letter and a
//     backtick.
//   - Tables are not parsed (goldmark's CommonMark has none): a table row
//     is a paragraph, so a code span may pair backticks from two cells of
//     a row, where Obsidian (GFM tables) splits the cells first. The two
//     differ only on a row with an unpaired backtick in a cell.
//
// With the extensions on, %%comments%% and $math$ follow Obsidian rather
// than CommonMark.
package markdown
