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

export class Automaton {
  /** Number of patterns (ids 0..size-1). */
  readonly size: number;
  readonly maxLen: number;
  private readonly code: Int32Array;
  private base: Int32Array;
  private check: Int32Array;
  private fail: Int32Array;
  /** Pattern id ending at a state, or -1. */
  private term: Int32Array;
  /** First state in the failure chain (itself included) that ends a pattern, or -1. */
  private emit: Int32Array;
  private readonly lengths: Int32Array;
  private readonly fold: FoldTable;

  /** `patterns` must already be folded (see foldTerm); empty patterns never match. */
  constructor(patterns: readonly string[]) {
    this.fold = foldTable();
    this.size = patterns.length;
    this.lengths = new Int32Array(patterns.length);
    // 1. alphabet: frequent units get small codes, so the dense root sits at the front.
    const freq = new Map<number, number>();
    let maxLen = 1;
    let totalUnits = 0;
    for (const p of patterns) {
      if (p.length > maxLen) maxLen = p.length;
      totalUnits += p.length;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        freq.set(c, (freq.get(c) ?? 0) + 1);
      }
    }
    this.maxLen = maxLen;
    const byFreq = [...freq.entries()].sort((a, b) => b[1] - a[1]);
    this.code = new Int32Array(65536);
    byFreq.forEach(([c], i) => (this.code[c] = i + 1));
    const K = byFreq.length;

    // 2. intermediate trie: first-child / next-sibling lists, plus a direct table for the root.
    let cap = Math.max(16, totalUnits + 1);
    let firstChild = new Int32Array(cap).fill(EMPTY);
    let nextSibling = new Int32Array(cap).fill(EMPTY);
    let nodeCode = new Int32Array(cap);
    let nodeTerm = new Int32Array(cap).fill(EMPTY);
    const rootChild = new Int32Array(K + 1).fill(EMPTY);
    let nodes = 1;
    const grow = () => {
      cap *= 2;
      const g = (a: Int32Array, fill: number) => {
        const b = new Int32Array(cap).fill(fill);
        b.set(a);
        return b;
      };
      firstChild = g(firstChild, EMPTY);
      nextSibling = g(nextSibling, EMPTY);
      nodeCode = g(nodeCode, 0);
      nodeTerm = g(nodeTerm, EMPTY);
    };
    for (let id = 0; id < patterns.length; id++) {
      const p = patterns[id];
      this.lengths[id] = p.length;
      if (p.length === 0) continue;
      let node = 0;
      for (let i = 0; i < p.length; i++) {
        const k = this.code[p.charCodeAt(i)];
        let child = EMPTY;
        if (node === 0) child = rootChild[k];
        else for (let x = firstChild[node]; x !== EMPTY; x = nextSibling[x]) if (nodeCode[x] === k) { child = x; break; }
        if (child === EMPTY) {
          if (nodes >= cap) grow();
          child = nodes++;
          nodeCode[child] = k;
          if (node === 0) rootChild[k] = child;
          else {
            nextSibling[child] = firstChild[node];
            firstChild[node] = child;
          }
        }
        node = child;
      }
      if (nodeTerm[node] === EMPTY) nodeTerm[node] = id;
    }

    // 3. double array, placed breadth first.
    let size = Math.max(K + 2, nodes * 2);
    this.base = new Int32Array(size);
    this.check = new Int32Array(size).fill(EMPTY);
    this.term = new Int32Array(size).fill(EMPTY);
    const ensure = (n: number) => {
      if (n < size) return;
      let s = size;
      while (s <= n) s *= 2;
      const nb = new Int32Array(s);
      nb.set(this.base);
      const nc = new Int32Array(s).fill(EMPTY);
      nc.set(this.check);
      const nt = new Int32Array(s).fill(EMPTY);
      nt.set(this.term);
      this.base = nb;
      this.check = nc;
      this.term = nt;
      size = s;
    };
    this.check[0] = 0; // root occupies slot 0 (its own parent marker; lookups compare with the parent id)
    const daOf = new Int32Array(nodes); // trie node -> double-array slot
    const order: number[] = [0]; // trie nodes in BFS order
    let firstFree = 1;
    const kids: number[] = [];
    for (let q = 0; q < order.length; q++) {
      const tn = order[q];
      const s = daOf[tn];
      kids.length = 0;
      if (tn === 0) {
        for (let k = 1; k <= K; k++) if (rootChild[k] !== EMPTY) kids.push(rootChild[k]);
      } else for (let x = firstChild[tn]; x !== EMPTY; x = nextSibling[x]) kids.push(x);
      if (kids.length === 0) continue;
      kids.sort((a, b) => nodeCode[a] - nodeCode[b]);
      const c0 = nodeCode[kids[0]];
      let p = firstFree;
      for (;;) {
        ensure(p + K + 1);
        if (this.check[p] === EMPTY && p - c0 >= 0) {
          const b = p - c0;
          let ok = true;
          for (let j = 1; j < kids.length; j++) if (this.check[b + nodeCode[kids[j]]] !== EMPTY) { ok = false; break; }
          if (ok && b + nodeCode[kids[kids.length - 1]] !== 0) break;
        }
        p++;
      }
      const b = p - c0;
      this.base[s] = b;
      for (const kid of kids) {
        const slot = b + nodeCode[kid];
        this.check[slot] = s;
        this.term[slot] = nodeTerm[kid];
        daOf[kid] = slot;
        order.push(kid);
      }
      while (firstFree < size && this.check[firstFree] !== EMPTY) firstFree++;
    }
    ensure(size + K + 2); // every base + code lookup stays inside the arrays

    // 4. failure links and output links, breadth first.
    this.fail = new Int32Array(size);
    this.emit = new Int32Array(size).fill(EMPTY);
    const base = this.base;
    const check = this.check;
    const fail = this.fail;
    for (let q = 1; q < order.length; q++) {
      const tn = order[q];
      const t = daOf[tn];
      const s = check[t];
      const k = nodeCode[tn];
      let f = 0;
      if (s !== 0) {
        let g = fail[s];
        for (;;) {
          const n = base[g] + k;
          if (check[n] === g && n !== 0) { f = n; break; }
          if (g === 0) break;
          g = fail[g];
        }
      }
      fail[t] = f;
      this.emit[t] = this.term[t] !== EMPTY ? t : this.emit[f];
    }
  }

  /** Length (folded units) of a pattern. */
  patternLength(id: number): number {
    return this.lengths[id];
  }

  /** Scans `text` (original, unfolded) and reports every match as an original span. */
  scan(text: string, sink: MatchSink): void {
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

  /** Number of matches in `text` (for benchmarks and tests). */
  count(text: string): number {
    let c = 0;
    this.scan(text, () => c++);
    return c;
  }
}
