// Package vaultgen writes deterministic synthetic Markdown vaults, with a
// ground truth, for relink's benchmarks and end-to-end tests.
//
// Generate(dir, Options{Notes, Seed, Dialect}) writes Notes notes into
// nested folders (a few at the root, the rest two or three levels deep,
// 50–200 per folder). The same options give byte-identical trees, whatever
// the number of workers: the layout (titles, folders, aliases, headings,
// block ids) comes from one PCG stream seeded from Seed, and each body from
// its own PCG stream seeded from Seed and the note's index. No map is
// iterated where order could reach the output.
//
// Each note is named after its title (unique, English, Korean or mixed,
// e.g. "Disaster Recovery", "상태 관리", "V8 Snapshot 3"), starts with YAML
// frontmatter (title, aliases, id, canonical_id, duplicate_of, tags, status,
// confidence_score) and has a 1–8 KB body of English and Korean prose with
// headings, lists, tables, block quotes, callouts and code. A body holds
// 5–30 links outside code, in every form of SPEC §3 (see the f* constants in
// link.go), and about 5% more link-shaped texts inside code fences,
// indented code, inline code, <!-- comments --> and %%comments%%, which are
// not links. Heading and block links point at headings and ^block ids that
// exist in their target. Markdown links are relative to the linking note's
// folder.
//
// Planted, with their expected outcome in Truth:
//
//   - broken (~3% of links): targets such as "Nonexistent Topic 42" that match
//     no title, id or alias even at the compact level;
//   - variant (~3%): a real title misspelt by case, NFD Hangul, full-width
//     Latin, '-' or '_' for spaces, spaces for '-', a doubled space, with
//     optional surrounding spaces, in any wikilink form including [[t.md]];
//   - alias (~0.3%): the exact alias of one note, which no name matches at
//     any level;
//   - ambiguous (~0.2%): "[[cache line]]" where notes "Cache-Line" and
//     "Cache_Line" exist and no "Cache Line" does;
//   - duplicate (~0.2%): exact links to a note B whose frontmatter says
//     duplicate_of: "[[A]]" (and canonical_id: A's id).
//
// The first five notes of a vault of 20 or more notes each start with one
// link of these classes, so even a small vault has all of them.
//
// Uniqueness: every title, id and alias has its own compact key (NFC, case
// fold, width fold, separators removed), except the two titles of each
// ambiguous pair, which share one. So a variant meets exactly one note, at
// the level recorded in Link.Level, and nothing else at any lower level.
//
// Expected repairs follow the wiki rule: the target's title replaces the
// target part and everything else stays: "|display", "#heading", "!", the
// escaped pipe "\|", the ".md" suffix ([[disaster recovery.md]] →
// [[Disaster Recovery.md]]) and the spaces around a padded target
// ([[ disaster recovery ]] → [[ Disaster Recovery ]]). Link.Kind names the
// transforms, so a test that reads those two cases otherwise can pick them
// out. In an Obsidian vault (.obsidian/ at the root) the app already
// resolves case-only and NFD-only variants: their Class is resolved and
// their StrictClass variant. Foam (.foam/ at the root) resolves the
// case-only ones whose lower-cased spelling equals the title's, and not
// the NFD ones.
//
// Only links whose outcome is certain are in the truth: all planted ones,
// frontmatter links, and one resolved link in 32 (Stats counts them all).
package vaultgen
