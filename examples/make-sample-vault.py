#!/usr/bin/env python3
"""Writes examples/sample-vault byte for byte (CRLF note and NFD file name
included). The vault is committed; this script documents how its unusual
bytes were made and can recreate it: python3 examples/make-sample-vault.py"""
import os, shutil, unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample-vault")
NFD = lambda s: unicodedata.normalize("NFD", s)

def fm(title, id_, aliases=(), canonical="self", dup="none", tags=("sample",), status="draft", score="0.8", extra=""):
    al = "[" + ", ".join(aliases) + "]"
    return (f"---\ntitle: {title}\naliases: {al}\nid: {id_}\ncanonical_id: {canonical}\n"
            f"duplicate_of: {dup}\ntags: [{', '.join(tags)}]\nstatus: {status}\nconfidence_score: {score}\n{extra}---\n")

notes = {}
notes["Home.md"] = fm("Home", "n-home", tags=("index",), status="stable", score="1.0") + """
# Home

Welcome to the sample vault of relink. Every kind of link it knows appears
somewhere in these notes. ^intro

## Topics

- [[Disaster Recovery]] and its runbook [[Ops/Runbook]]
- [[disaster-recovery]] — a case and separator variant
- [[V8 Snapshot]], [[v8_snapshot|the snapshot note]], ![[v8 snapshot]]
- [[상태 관리]] and [[상태관리]] (spacing only: found at level compact)
- [[Cache Line Basics]] resolves; [[cache line]] is ambiguous
- [[DR]] only matches an alias
- [[Nonexistent Topic]] is broken, and so is [[Disaster Recovry]]
- [[Home#^intro]] is a block reference; [[#Topics]] points into this note

| note | link |
|------|------|
| V8 | [[v8-snapshot\\|V8]] |
| DR | [[Disaster Recovery\\|DR]] |
"""
notes["Topics/Disaster Recovery.md"] = fm("Disaster Recovery", "n-dr", aliases=("DR", "재해 복구"), tags=("ops", "reliability"), status="stable", score="0.95") + """
# Disaster Recovery

How we get back up after losing a region.

## Backup Strategy

Nightly snapshots, see [[V8 Snapshot]] for the unrelated heap kind.

## Failover

Follow [[ops/runbook]] step by step. ^failover
"""
notes["Topics/V8 Snapshot.md"] = fm("V8 Snapshot", "n-v8", aliases=("heap dump",), tags=("v8", "memory")) + """
# V8 Snapshot

A serialized heap. Compare [[Heap Snapshot]] and [[HeapSnapshot]].

## Taking One

Use the inspector. Back to [[Home]].
"""
notes["Topics/Heap Snapshot.md"] = fm("Heap Snapshot", "n-heap", tags=("memory",)) + """
# Heap Snapshot

Related: [[V8-Snapshot]] and [[Ｖ８ Ｓｎａｐｓｈｏｔ]] (full-width).
"""
notes["Topics/상태 관리.md"] = fm("상태 관리", "n-state", aliases=("State Management",), tags=("frontend",)) + """
# 상태 관리

애플리케이션의 상태를 한곳에서 관리한다. [[데이터 모델]]과 함께 읽는다.

NFD로 적힌 링크: [[""" + NFD("상태 관리") + """]]

영어 별칭: [[state management]] 은 별칭에만 맞는다.
"""
notes["Topics/Cache-Line.md"] = fm("Cache-Line", "n-cache-hyphen", tags=("cpu",)) + """
# Cache-Line

One spelling of two notes that collide at level separators.
"""
notes["Topics/Cache_Line.md"] = fm("Cache_Line", "n-cache-underscore", tags=("cpu",)) + """
# Cache_Line

The other spelling. A link [[cache line]] matches both: ambiguous.
"""
notes["Topics/Cache Line Basics.md"] = fm("Cache Line Basics", "n-cache-basics", tags=("cpu",)) + """
# Cache Line Basics

See [[Cache-Line]] (exact) and [[CACHE LINE BASICS]] (case variant of this note).
"""
notes["Archive/Disaster Recovery (2019).md"] = fm("Disaster Recovery (2019)", "n-dr-2019", dup='"[[Disaster Recovery]]"', tags=("archive",), status="superseded", score="0.3") + """
# Disaster Recovery (2019)

Superseded by the current note.
"""
notes["Ops/Runbook.md"] = fm("Runbook", "n-runbook", aliases=("운영 매뉴얼",), tags=("ops",)) + """
# Runbook

1. Read [[Disaster Recovery (2019)]] for history (a duplicate).
2. Check [[Disaster Recovery#backup strategy]] — the heading differs in case.
3. Then [[Disaster Recovery#Restore Drill]], a heading that does not exist.
4. Markdown links work too: [the plan](../Topics/disaster%20recovery.md) and
   [state](<../Topics/상태 관리.md>).
5. Attachments: ![[diagram.png]] exists, ![[missing-diagram.png]] does not.

Code is never a link:

```
[[Disaster-Recovery]] inside a fence
```

    [[disaster-recovery]] in indented code

Inline `[[disaster recovery]]` code, <!-- [[disaster recovery]] --> comment,
and %%[[disaster recovery]]%% Obsidian comment.
"""
crlf = fm("On-Call", "n-oncall", aliases=("당직",), tags=("ops",)) + """
# On-Call

This note has Windows line endings. Escalate through [[runbook]] and
[[Disaster_Recovery]]. The pager lives in [[ops/pager rotation]].
"""
notes["Ops/On-Call.md"] = crlf.replace("\n", "\r\n")
notes["Ops/Pager Rotation.md"] = fm("Pager Rotation", "n-pager", tags=("ops",)) + """
# Pager Rotation

Weekly. Owned by the team in [[On-Call]].
"""
notes[NFD("Notes/데이터 모델.md")] = fm("데이터 모델", "n-data-model", aliases=("Data Model",), tags=("design",)) + """
# 데이터 모델

이 파일의 이름은 macOS처럼 NFD로 분해되어 있다. 제목은 NFC다.
[[상태-관리]] 와 [[Home]] 을 본다.
"""
notes["Notes/Canonical Ids.md"] = fm("Canonical Ids", "n-canon", tags=("design",)) + """
# Canonical Ids

Notes may name their canonical note by id: see [[Canonical Ids Copy]].
"""
notes["Notes/Canonical Ids Copy.md"] = fm("Canonical Ids Copy", "n-canon-copy", canonical="n-canon", tags=("design",)) + """
# Canonical Ids Copy

A copy whose canonical_id points at n-canon. Links to it are duplicates.
"""
notes["Notes/Loop A.md"] = fm("Loop A", "n-loop-a", dup='"[[Loop B]]"', tags=("broken-metadata",)) + """
# Loop A

duplicate_of points at Loop B, which points back: relink reports the cycle.
"""
notes["Notes/Loop B.md"] = fm("Loop B", "n-loop-b", dup='"[[Loop A]]"', tags=("broken-metadata",)) + """
# Loop B

See [[loop a]].
"""
notes["Notes/Broken YAML.md"] = """---
title: Broken YAML
aliases: [unclosed
---
# Broken YAML

relink reports this file and skips its links: [[disaster recovery]].
"""
notes["Notes/Frontmatter Links.md"] = fm("Frontmatter Links", "n-fm-links", tags=("design",), extra='related: "[[v8 snapshot]]"\nparent: "[[Home]]"\n') + """
# Frontmatter Links

Links in quoted frontmatter values are checked and repaired too.
"""
notes["Notes/Headings.md"] = fm("Headings", "n-headings", tags=("design",)) + """
# Headings

## Local Heading

Jump to [[#local heading]] (a broken anchor in this note, repaired) or
[[#Local Heading]] (fine). Block: [[Disaster Recovery#^failover]] and
[[Disaster Recovery#^nope]].
"""
notes["Journal/2026-11-25.md"] = fm("2026-11-25", "n-2026-11-25", tags=("journal",)) + """
# 2026-11-25

오늘은 [[재해 복구]] 문서를 다시 읽었다. [[Data Model]] 도 고쳐야 한다.
[[/Topics/v8 snapshot]] is a link from the vault root.
[[Topics/Heap-Snapshot]] is a path variant. [[Pager_Rotation]] too.
"""
notes["Journal/2026-11-24.md"] = fm("2026-11-24", "n-2026-11-24", tags=("journal",)) + """
# 2026-11-24

Met about [[V8 Snapshot#taking one]] and [[Runbook.md]]. Also [[Home|home page]].
"""

if os.path.exists(ROOT):
    shutil.rmtree(ROOT)
for rel, text in notes.items():
    p = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(text.encode("utf-8"))
os.makedirs(os.path.join(ROOT, "Ops"), exist_ok=True)
# A tiny valid PNG (1x1) so that ![[diagram.png]] resolves.
png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
with open(os.path.join(ROOT, "Ops", "diagram.png"), "wb") as f:
    f.write(png)
print(f"wrote {len(notes)} notes to {ROOT}")
