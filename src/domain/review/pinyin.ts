/**
 * Pinyin spellings of lexicon terms, matched at the level of syllables: every Han character of
 * the text stands for its (most common) toneless syllable and every run of Latin letters is cut
 * greedily into syllables, so 赌博 matches dubo, DU BO, ｄｕｂｏ, dǔ bó and mixed du博 / 赌bo. A
 * match must contain at least one syllable written in letters (读博, a homophone written in
 * characters, is not a match), and a match written only in letters needs `minLetters` letters.
 * Syllables are code units in the private-use area (U+E001…), so the same Automaton runs them.
 */
import { pinyin } from 'pinyin-pro';
import { foldUnits } from './fold';

/** Toneless syllables of Mandarin (ü written u, as the text folding strips the diaeresis). */
const SYLLABLES = 'a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo'.split(' ');
const SYLLABLE_ID = new Map(SYLLABLES.map((s, i) => [s, i + 1]));
const BASE = 0xe000;
const MAX_SYLLABLE = 6;

const readingCache = new Map<string, string[]>();
/** Toneless readings of one character, most common first (at most three), ü as u. */
export function readings(ch: string): string[] {
  let r = readingCache.get(ch);
  if (!r) {
    const all = pinyin(ch, { toneType: 'none', type: 'array', multiple: true }) as string[];
    r = [...new Set(all.map((x) => x.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()).filter((x) => SYLLABLE_ID.has(x)))].slice(0, 3);
    readingCache.set(ch, r);
  }
  return r;
}

/** Letter spellings of a Chinese term (every combination of readings, at most `cap`). */
export function pinyinSpellings(term: string, cap = 4): string[] {
  let acc = [''];
  for (const ch of term) {
    const rs = readings(ch);
    if (rs.length === 0) return [];
    const next: string[] = [];
    for (const a of acc) for (const r of rs) if (next.length < cap) next.push(a + r);
    acc = next;
  }
  return acc;
}

/** Syllable-unit patterns of a Chinese term (one unit per character), at most `cap` reading combinations. */
export function syllablePatterns(term: string, cap = 2): string[] {
  let acc = [''];
  for (const ch of term) {
    const rs = readings(ch);
    if (rs.length === 0) return [];
    const next: string[] = [];
    for (const a of acc) for (const r of rs) if (next.length < cap) next.push(a + String.fromCharCode(BASE + SYLLABLE_ID.get(r)!));
    acc = next;
  }
  return acc;
}

/** Syllable unit of each BMP character's most common reading; 0xffff = not looked up yet. */
const primaryUnit = new Uint16Array(0x10000).fill(0xffff);
function hanUnit(c: number): number {
  let u = primaryUnit[c];
  if (u === 0xffff) {
    const r = readings(String.fromCharCode(c))[0];
    u = r ? BASE + SYLLABLE_ID.get(r)! : 0;
    primaryUnit[c] = u;
  }
  return u;
}

const VOWEL_INITIAL = /^[aoe]/;

/**
 * Cuts a letter run (folded units from index i) into syllables with the fewest penalties: one per syllable, more
 * for a syllable that spans a space or other dropped character of the original (BAO BEN GAO XI),
 * or that starts with a, o or e right after another syllable (pinyin writes xi'an for that), and
 * most for a letter that fits no syllable (emitted as a break). Returns the new unit count.
 */
function segmentRun(
  run: string,
  n: { starts: Int32Array; ends: Int32Array },
  i: number,
  units: Uint16Array,
  starts: Int32Array,
  ends: Int32Array,
  letters: Uint8Array,
  k: number,
): number {
  const m = run.length;
  const cost = new Float64Array(m + 1).fill(Infinity);
  const piece = new Int8Array(m + 1);
  cost[0] = 0;
  const rawGap = (q: number) => q > 0 && n.starts[i + q] > n.ends[i + q - 1];
  // when every letter is set apart (d u b o) the gaps say nothing about syllables
  let gaps = 0;
  for (let q = 1; q < m; q++) if (rawGap(q)) gaps++;
  const useGaps = gaps < m - 1;
  const gapBefore = (q: number) => useGaps && rawGap(q);
  for (let e = 1; e <= m; e++) {
    // a letter that fits no syllable: a break
    cost[e] = cost[e - 1] + 10;
    piece[e] = 0;
    for (let l = 1; l <= MAX_SYLLABLE && l <= e; l++) {
      const b = e - l;
      if (!SYLLABLE_ID.has(run.slice(b, e))) continue;
      let c = cost[b] + 1;
      for (let q = b + 1; q < e; q++) if (gapBefore(q)) c += 5;
      if (b > 0 && !gapBefore(b) && VOWEL_INITIAL.test(run[b])) c += 2;
      if (c < cost[e]) {
        cost[e] = c;
        piece[e] = l;
      }
    }
  }
  const cut: number[] = [];
  for (let e = m; e > 0; ) {
    const l = piece[e];
    cut.push(l);
    e -= l === 0 ? 1 : l;
  }
  let p = i;
  for (let x = cut.length - 1; x >= 0; x--) {
    const l = cut[x];
    if (l === 0) {
      units[k] = 0;
      starts[k] = n.starts[p];
      ends[k] = n.ends[p];
      letters[k++] = 1;
      p++;
      continue;
    }
    units[k] = BASE + SYLLABLE_ID.get(run.slice(p - i, p - i + l))!;
    starts[k] = n.starts[p];
    ends[k] = n.ends[p + l - 1];
    letters[k++] = l;
    p += l;
  }
  return k;
}

const isHan = (c: number) => (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff);

/** The text as syllable units (0 = break) with original spans and, per unit, its letter count (0 for a character). */
export interface SyllableStream {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  letters: Uint8Array;
  length: number;
}

export function toSyllables(text: string): SyllableStream {
  const n = foldUnits(text);
  const f = n.units;
  const len = n.length;
  const units = new Uint16Array(len);
  const starts = new Int32Array(len);
  const ends = new Int32Array(len);
  const letters = new Uint8Array(len);
  let k = 0;
  for (let i = 0; i < len; ) {
    const c = f[i];
    if (c >= 0x61 && c <= 0x7a) {
      let j = i;
      while (j < len && f[j] >= 0x61 && f[j] <= 0x7a) j++;
      const run = String.fromCharCode(...f.subarray(i, j));
      k = segmentRun(run, n, i, units, starts, ends, letters, k);
      i = j;
      continue;
    }
    units[k] = isHan(c) ? hanUnit(c) : 0;
    starts[k] = n.starts[i];
    ends[k] = n.ends[i];
    letters[k++] = 0;
    i++;
  }
  return { units, starts, ends, letters, length: k };
}

/** Quick test: does the text contain anything that folds to a Latin letter? */
export const hasLatin = (text: string): boolean => /[A-Za-z\uff21-\uff3a\uff41-\uff5a\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff\u0370-\u03ff]|\ud835/.test(text);
