/**
 * Aho-Corasick automaton over folded UTF-16 units, stored as a double-array trie in typed arrays.
 *
 * The scan folds the original text on the fly (one table lookup per unit, see fold.ts), so it
 * never builds a normalised copy, and keeps the original offsets of the last `maxLen` folded
 * units in a ring buffer: every match is reported directly as a span of the original text.
 * All matches are reported, including a short pattern that ends inside a longer one
 * (中国人民 + 国人 in 我是中国人也 finds 国人).
 */
import { DROP, HIGH, MULTI, foldTable, type FoldTable } from './fold';

/** Called for each match: pattern id, original start and end (UTF-16), folded length. */
export type MatchSink = (pattern: number, start: number, end: number) => void;

const EMPTY = -1;

interface Built {
  code: Int32Array;
  base: Int32Array;
  check: Int32Array;
  fail: Int32Array;
  term: Int32Array;
  emit: Int32Array;
  lengths: Int32Array;
  /** Depth (folded units from the root) of each state. */
  depth: Int32Array;
  maxLen: number;
}

export interface AutomatonOptions {
  /**
   * Also match across a run of at most MAX_GAP Latin letters standing between two CJK characters
   * (赌a博, 赌<br>博 match 赌博); off by default. The match is reported as the original span,
   * letters included.
   */
  letterGaps?: boolean;
}

/** Longest run of Latin letters skipped between two CJK characters when `letterGaps` is on. */
export const MAX_GAP = 3;

const isCjkUnit = (u: number) => (u >= 0x3400 && u <= 0x9fff) || (u >= 0xf900 && u <= 0xfaff);

/** Builds the automaton's arrays (kept out of the class so that every hot loop works on locals). */
function build(patterns: readonly string[]): Built {
  const lengths = new Int32Array(patterns.length);
  // 1. alphabet: frequent units get small codes, so the dense root sits at the front.
  const freq = new Int32Array(65536);
  let maxLen = 1;
  let totalUnits = 0;
  for (let id = 0; id < patterns.length; id++) {
    const p = patterns[id];
    lengths[id] = p.length;
    if (p.length > maxLen) maxLen = p.length;
    totalUnits += p.length;
    for (let i = 0; i < p.length; i++) freq[p.charCodeAt(i)]++;
  }
  const used: number[] = [];
  for (let c = 0; c < 65536; c++) if (freq[c] > 0) used.push(c);
  used.sort((x, y) => freq[y] - freq[x]);
  const code = new Int32Array(65536);
  used.forEach((c, i) => (code[c] = i + 1));
  const K = used.length;

  // 2. intermediate trie: first-child / next-sibling lists, a direct table for the root's
  //    children and an open-addressing table (node, code) -> child for the others.
  let cap = Math.min(totalUnits + 1, 1 << 16);
  let firstChild = new Int32Array(cap).fill(EMPTY);
  let nextSibling = new Int32Array(cap).fill(EMPTY);
  let nodeCode = new Int32Array(cap);
  let nodeTerm = new Int32Array(cap).fill(EMPTY);
  const rootChild = new Int32Array(K + 1).fill(EMPTY);
  let nodes = 1;
  const growNodes = () => {
    cap *= 2;
    const g = (x: Int32Array, fill: number) => {
      const y = new Int32Array(cap);
      if (fill !== 0) y.fill(fill, x.length);
      y.set(x);
      return y;
    };
    firstChild = g(firstChild, EMPTY);
    nextSibling = g(nextSibling, EMPTY);
    nodeCode = g(nodeCode, 0);
    nodeTerm = g(nodeTerm, EMPTY);
  };
  let hcap = 1 << 16;
  let hmask = hcap - 1;
  let hNode = new Int32Array(hcap).fill(EMPTY);
  let hCode = new Int32Array(hcap);
  let hChild = new Int32Array(hcap);
  const slotOf = (node: number, k: number) => {
    let h = (Math.imul(node, 0x9e3779b1) ^ Math.imul(k, 0x85ebca6b)) & hmask;
    while (hNode[h] !== EMPTY && !(hNode[h] === node && hCode[h] === k)) h = (h + 1) & hmask;
    return h;
  };
  const growHash = () => {
    const on = hNode;
    const oc = hCode;
    const ch = hChild;
    hcap *= 2;
    hmask = hcap - 1;
    hNode = new Int32Array(hcap).fill(EMPTY);
    hCode = new Int32Array(hcap);
    hChild = new Int32Array(hcap);
    for (let i = 0; i < on.length; i++) {
      if (on[i] === EMPTY) continue;
      const h = slotOf(on[i], oc[i]);
      hNode[h] = on[i];
      hCode[h] = oc[i];
      hChild[h] = ch[i];
    }
  };
  for (let id = 0; id < patterns.length; id++) {
    const p = patterns[id];
    if (p.length === 0) continue;
    let node = 0;
    for (let i = 0; i < p.length; i++) {
      const k = code[p.charCodeAt(i)];
      let child = EMPTY;
      let h = 0;
      if (node === 0) child = rootChild[k];
      else {
        h = slotOf(node, k);
        if (hNode[h] !== EMPTY) child = hChild[h];
      }
      if (child === EMPTY) {
        if (nodes >= cap) growNodes();
        child = nodes++;
        nodeCode[child] = k;
        if (node === 0) rootChild[k] = child;
        else {
          nextSibling[child] = firstChild[node];
          firstChild[node] = child;
          hNode[h] = node;
          hCode[h] = k;
          hChild[h] = child;
          if (nodes * 2 > hcap) growHash();
        }
      }
      node = child;
    }
    if (nodeTerm[node] === EMPTY) nodeTerm[node] = id;
  }

  // 3. double array, placed breadth first. Free slots are found through `skip`, a
  //    path-compressed "next possibly free slot" array; nodes with several children start
  //    their search at `multiStart`, which moves on when the region behind it is too full
  //    for them (single-child nodes still fill the holes left there).
  let size = Math.max(K + 2, nodes + (nodes >> 1) + 16) + K + 1;
  let base = new Int32Array(size);
  let check = new Int32Array(size).fill(EMPTY);
  let term = new Int32Array(size).fill(EMPTY);
  let skip = new Int32Array(size);
  const ensure = (n: number) => {
    if (n < size) return;
    let s = size;
    while (s <= n) s *= 2;
    const nb = new Int32Array(s);
    nb.set(base);
    const nc = new Int32Array(s).fill(EMPTY);
    nc.set(check);
    const nt = new Int32Array(s).fill(EMPTY);
    nt.set(term);
    const ns = new Int32Array(s);
    ns.set(skip);
    base = nb;
    check = nc;
    term = nt;
    skip = ns;
    size = s;
  };
  /** First free slot >= p (skip[r] === 0 means "not yet skipped"). */
  const free = (p: number): number => {
    let r = p;
    for (;;) {
      if (r + 1 >= size) ensure(r + 1);
      if (check[r] === EMPTY) break;
      r = skip[r] > r ? skip[r] : r + 1;
    }
    while (p < r) {
      const nx = skip[p] > p ? skip[p] : p + 1;
      skip[p] = r;
      p = nx;
    }
    return r;
  };
  check[0] = 0;
  const daOf = new Int32Array(nodes); // trie node -> double-array slot
  const order = new Int32Array(nodes); // trie nodes in BFS order
  let orderLen = 1;
  let multiStart = 1;
  let maxBase = 0;
  const kids: number[] = [];
  for (let q = 0; q < orderLen; q++) {
    const tn = order[q];
    const s = daOf[tn];
    kids.length = 0;
    if (tn === 0) {
      for (let k = 1; k <= K; k++) if (rootChild[k] !== EMPTY) kids.push(rootChild[k]);
    } else for (let x = firstChild[tn]; x !== EMPTY; x = nextSibling[x]) kids.push(x);
    if (kids.length === 0) continue;
    if (kids.length > 1) kids.sort((x, y) => nodeCode[x] - nodeCode[y]);
    const c0 = nodeCode[kids[0]];
    const cLast = nodeCode[kids[kids.length - 1]];
    let p: number;
    if (kids.length === 1) p = free(Math.max(1, c0));
    else {
      let attempts = 0;
      p = free(Math.max(multiStart, c0));
      for (;;) {
        const b = p - c0;
        if (b + cLast + 1 >= size) ensure(b + cLast + 1);
        let ok = true;
        for (let j = 1; j < kids.length; j++) {
          if (check[b + nodeCode[kids[j]]] !== EMPTY) {
            ok = false;
            break;
          }
        }
        if (ok) break;
        attempts++;
        p = free(p + 1);
      }
      if (attempts > 16) multiStart = p;
    }
    const b = p - c0;
    base[s] = b;
    if (b > maxBase) maxBase = b;
    for (let j = 0; j < kids.length; j++) {
      const kid = kids[j];
      const slot = b + nodeCode[kid];
      check[slot] = s;
      term[slot] = nodeTerm[kid];
      daOf[kid] = slot;
      order[orderLen++] = kid;
    }
  }
  // every base + code lookup must stay inside the arrays; trim the growth slack beyond that
  const finalSize = maxBase + K + 1;
  ensure(finalSize);
  if (size > finalSize) {
    base = base.slice(0, finalSize);
    check = check.slice(0, finalSize);
    term = term.slice(0, finalSize);
    size = finalSize;
  }

  // 4. failure links and output links, breadth first.
  const fail = new Int32Array(size);
  const emit = new Int32Array(size).fill(EMPTY);
  const depth = new Int32Array(size);
  for (let q = 1; q < orderLen; q++) {
    const tn = order[q];
    const t = daOf[tn];
    const s = check[t];
    depth[t] = depth[s] + 1;
    const k = nodeCode[tn];
    let f = 0;
    if (s !== 0) {
      let g = fail[s];
      for (;;) {
        const n = base[g] + k;
        if (check[n] === g && n !== 0) {
          f = n;
          break;
        }
        if (g === 0) break;
        g = fail[g];
      }
    }
    fail[t] = f;
    emit[t] = term[t] !== EMPTY ? t : emit[f];
  }
  return { code, base, check, fail, term, emit, lengths, depth, maxLen };
}

export class Automaton {
  /** Number of patterns (ids 0..size-1). */
  readonly size: number;
  readonly maxLen: number;
  private readonly code: Int32Array;
  private readonly base: Int32Array;
  private readonly check: Int32Array;
  private readonly fail: Int32Array;
  /** Pattern id ending at a state, or -1. */
  private readonly term: Int32Array;
  /** First state in the failure chain (itself included) that ends a pattern, or -1. */
  private readonly emit: Int32Array;
  private readonly lengths: Int32Array;
  private readonly depth: Int32Array;
  private readonly fold: FoldTable;
  private readonly letterGaps: boolean;

  /** `patterns` must already be folded (see foldTerm); empty patterns never match. */
  constructor(patterns: readonly string[], options: AutomatonOptions = {}) {
    this.fold = foldTable();
    this.size = patterns.length;
    this.letterGaps = options.letterGaps ?? false;
    const b = build(patterns);
    this.depth = b.depth;
    this.code = b.code;
    this.base = b.base;
    this.check = b.check;
    this.fail = b.fail;
    this.term = b.term;
    this.emit = b.emit;
    this.lengths = b.lengths;
    this.maxLen = b.maxLen;
  }

  /** Length (folded units) of a pattern. */
  patternLength(id: number): number {
    return this.lengths[id];
  }

  /** Scans `text` (original, unfolded) and reports every match as an original span. */
  scan(text: string, sink: MatchSink): void {
    if (this.letterGaps) {
      this.scanWithGaps(text, sink);
      return;
    }
    const unit = this.fold.unit;
    const code = this.code;
    const base = this.base;
    const check = this.check;
    const fail = this.fail;
    const emit = this.emit;
    const term = this.term;
    const lengths = this.lengths;
    let ring = 1;
    while (ring < this.maxLen + 1) ring <<= 1;
    const mask = ring - 1;
    const rs = new Int32Array(ring); // original start of the last folded units
    let n = 0; // folded units fed so far
    let s = 0;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      let u = unit[text.charCodeAt(i)];
      let w = 1;
      let extra = '';
      if (u < 0) {
        if (u === DROP) continue;
        if (u === MULTI) extra = this.fold.multi.get(text.charCodeAt(i))!;
        else if (u === HIGH) {
          const cp = text.codePointAt(i)!;
          if (cp > 0xffff) w = 2;
          extra = this.fold.foldCodePoint(cp);
        }
        if (extra.length === 0) {
          i += w - 1;
          continue;
        }
        u = extra.charCodeAt(0);
      }
      for (let x = 0; ; ) {
        rs[n & mask] = i;
        const k = code[u];
        if (k === 0) s = 0;
        else {
          for (;;) {
            const t = base[s] + k;
            if (check[t] === s && t !== 0) {
              s = t;
              break;
            }
            if (s === 0) break;
            s = fail[s];
          }
          let o = emit[s];
          while (o !== EMPTY) {
            const id = term[o];
            sink(id, rs[(n - lengths[id] + 1) & mask], i + w);
            o = emit[fail[o]];
          }
        }
        n++;
        if (++x >= extra.length) break;
        u = extra.charCodeAt(x);
      }
      i += w - 1;
    }
  }

  /**
   * `scan` with letter gaps: besides the main path, a second ("alternative") state follows the
   * text as if a run of 1..MAX_GAP Latin letters between two CJK characters were not there. It
   * only reports matches that reach back over the gap (the others are the main path's), and is
   * dropped as soon as its state no longer reaches over the gap, or at the next letter.
   */
  private scanWithGaps(text: string, sink: MatchSink): void {
    const unit = this.fold.unit;
    const code = this.code;
    const base = this.base;
    const check = this.check;
    const fail = this.fail;
    const emit = this.emit;
    const term = this.term;
    const lengths = this.lengths;
    const depth = this.depth;
    let ring = 1;
    while (ring < this.maxLen + MAX_GAP + 1) ring <<= 1;
    const mask = ring - 1;
    const rs = new Int32Array(ring);
    let n = 0;
    let s = 0;
    let prev = 0; // previous folded unit
    let gapFrom = -1; // main state before an open letter run that followed a CJK unit, or -1
    let gapLen = 0;
    let alt = -1; // alternative state, or -1
    let altGap = 0; // letters skipped by the alternative path
    let altSince = 0; // units fed to the alternative path since its gap
    const step = (st: number, k: number): number => {
      for (;;) {
        const t = base[st] + k;
        if (check[t] === st && t !== 0) return t;
        if (st === 0) return 0;
        st = fail[st];
      }
    };
    const len = text.length;
    for (let i = 0; i < len; i++) {
      let u = unit[text.charCodeAt(i)];
      let w = 1;
      let extra = '';
      if (u < 0) {
        if (u === DROP) continue;
        if (u === MULTI) extra = this.fold.multi.get(text.charCodeAt(i))!;
        else if (u === HIGH) {
          const cp = text.codePointAt(i)!;
          if (cp > 0xffff) w = 2;
          extra = this.fold.foldCodePoint(cp);
        }
        if (extra.length === 0) {
          i += w - 1;
          continue;
        }
        u = extra.charCodeAt(0);
      }
      for (let x = 0; ; ) {
        rs[n & mask] = i;
        const k = code[u];
        if (u >= 0x61 && u <= 0x7a) {
          alt = -1;
          if (isCjkUnit(prev)) {
            gapFrom = s;
            gapLen = 0;
          }
          if (gapFrom >= 0 && ++gapLen > MAX_GAP) gapFrom = -1;
        } else if (gapFrom >= 0 || alt >= 0) {
          if (gapFrom >= 0 && isCjkUnit(u)) {
            alt = gapFrom;
            altGap = gapLen;
            altSince = 0;
          }
          gapFrom = -1;
          if (alt >= 0) {
            alt = k === 0 ? 0 : step(alt, k);
            altSince++;
            if (depth[alt] <= altSince) alt = -1;
            else {
              for (let o = emit[alt]; o !== EMPTY; o = emit[fail[o]]) {
                const id = term[o];
                const l = lengths[id];
                if (l <= altSince) break; // does not reach over the gap: the main path reports it
                sink(id, rs[(n - l - altGap + 1) & mask], i + w);
              }
            }
          }
        }
        prev = u;
        if (k === 0) s = 0;
        else {
          for (;;) {
            const t = base[s] + k;
            if (check[t] === s && t !== 0) {
              s = t;
              break;
            }
            if (s === 0) break;
            s = fail[s];
          }
          let o = emit[s];
          while (o !== EMPTY) {
            const id = term[o];
            sink(id, rs[(n - lengths[id] + 1) & mask], i + w);
            o = emit[fail[o]];
          }
        }
        n++;
        if (++x >= extra.length) break;
        u = extra.charCodeAt(x);
      }
      i += w - 1;
    }
  }

  /**
   * Scans already-prepared units (no folding; unit 0 resets). Reports pattern id and the index of
   * the first and last unit of each match; with `marks`, only matches that contain a marked unit.
   */
  scanUnits(units: Uint16Array, length: number, sink: (pattern: number, first: number, last: number) => void, marks?: Uint8Array): void {
    const code = this.code;
    const base = this.base;
    const check = this.check;
    const fail = this.fail;
    const emit = this.emit;
    const term = this.term;
    const lengths = this.lengths;
    let s = 0;
    let lastMark = marks ? -1 : length;
    for (let i = 0; i < length; i++) {
      if (marks && marks[i] !== 0) lastMark = i;
      const k = code[units[i]];
      if (k === 0) {
        s = 0;
        continue;
      }
      for (;;) {
        const t = base[s] + k;
        if (check[t] === s && t !== 0) {
          s = t;
          break;
        }
        if (s === 0) break;
        s = fail[s];
      }
      for (let o = emit[s]; o !== EMPTY; o = emit[fail[o]]) {
        const id = term[o];
        const first = i - lengths[id] + 1;
        if (first <= lastMark) sink(id, first, i);
      }
    }
  }

  /** Number of matches in `text` (for benchmarks and tests). */
  count(text: string): number {
    let c = 0;
    this.scan(text, () => c++);
    return c;
  }
}
