/**
 * The pre-review engine: lexicons (with evasion-proof matching), personal data, advertising-law
 * terms, clickbait titles and per-platform format rules, behind the domain's `Reviewer` port.
 */
import type { Finding, Platform, Reviewer, RevisionContent, Severity } from '../model';
import { PLATFORM_LIMITS, type PlatformLimits } from '../platform-limits';
import { findAdLawTerms } from './ad-law';
import { ALLOW_CATEGORY, labelOf, severityOf } from './categories';
import { CONTEXT_NOTES, hitContext, solicitation, type SolicitationMemo } from './context';
import { findClickbait } from './clickbait';
import { foldTerm, normaliseForData } from './fold';
import { platformFormat, typography, type SizedMedia } from './format';
import { LexiconMatcher, type LexiconHit, type LexiconSet } from './lexicon';
import { findPersonalData } from './personal-data';
import { straddlesWords, type Segmenter } from './segment';

export interface ReviewEngineOptions {
  /** Lexicons to start with: category -> terms; the category `allow` is the allow-list. */
  lexicons?: LexiconSet;
  /** Where `reload()` gets the lexicons again (e.g. re-reading LEXICON_DIR); called once at construction when given. */
  source?: () => LexiconSet;
  /** Match toneless pinyin spellings of Chinese terms (default true). */
  pinyin?: boolean;
  /** Shortest pinyin spelling matched, in letters (default 4). */
  pinyinMinLength?: number;
  /** Word segmentation that may cut hits straddling two words (see jiebaSegmenter); off by default. */
  segmenter?: Segmenter;
  /** Per-platform limits (defaults to the shared PLATFORM_LIMITS table). */
  limits?: Partial<Record<Platform, PlatformLimits>>;
  /** Switch off whole detector families. */
  detectors?: Partial<Record<'lexicon' | 'personalData' | 'adLaw' | 'clickbait' | 'format', boolean>>;
}

export interface ReviewTextOptions {
  /** Which field the text is (default `body`); clickbait rules run on titles only. */
  field?: 'title' | 'body';
  /** Also check the per-platform length rules of this field for these platforms. */
  platforms?: readonly Platform[];
}

export interface ReviewContentInput extends RevisionContent {
  media: SizedMedia[];
}

export interface ReviewEngine extends Reviewer {
  /** Reviews a whole revision for its target platforms. */
  review(content: RevisionContent | ReviewContentInput, platforms: readonly Platform[]): Finding[];
  /** Reviews one text: lexicons, personal data, advertising law, typography (+ clickbait for titles). */
  reviewText(text: string, opts?: ReviewTextOptions): Finding[];
  /** Adds a term at run time and rebuilds; false when it was already there. */
  addTerm(category: string, word: string): boolean;
  /** Adds an allow-list phrase at run time and rebuilds; false when it was already there. */
  allow(word: string): boolean;
  /** Terms of a category (base and run-time), sorted; `allow` lists the allow-list. */
  listTerms(category: string): string[];
  /** Categories that have at least one term. */
  categories(): string[];
  /** Gets the lexicons again from `source` (run-time additions are kept) and rebuilds. */
  reload(): void;
  /** Number of distinct (category, term) pairs compiled, allow-list included. */
  readonly termCount: number;
}

/**
 * Words right before a hit that make it a report about fighting the thing (查处赌博案件, 谨防“杀猪盘”,
 * 严禁赌博): the hit is kept, as `info`, for a person to confirm.
 */
const COUNTER_CONTEXT = /(?:打击|查处|严禁|禁止|整治|谨防|警惕|防范|揭露|远离|拒绝|抵制|举报|严惩|取缔|破获|侦破|依法惩治|专项治理|识破|反)[^。！？!?\n]{0,6}$/;

/** Terms whose mere presence is weak evidence of a classification marking (保守国家秘密 …). */
const WEAK_CONFIDENTIAL = new Set(['秘密', '机密', '涉密', '保密']);
const MARKING_AFTER = /^\s*(?:[★☆*＊]|级|文件|等级|期限)/;
const MARKING_BEFORE = /(?:[【[〔(（]|密级[:：]?)\s*$/;

function mergeSets(...sets: LexiconSet[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const s of sets) {
    for (const [cat, terms] of Object.entries(s)) {
      let set = m.get(cat);
      if (!set) m.set(cat, (set = new Set()));
      for (const t of terms) {
        const w = t.trim();
        if (w) set.add(w);
      }
    }
  }
  return m;
}

export function createReviewEngine(options: ReviewEngineOptions = {}): ReviewEngine {
  const on = (k: keyof NonNullable<ReviewEngineOptions['detectors']>) => options.detectors?.[k] ?? true;
  const limits: Record<Platform, PlatformLimits> = { ...PLATFORM_LIMITS, ...options.limits };
  let base: LexiconSet = options.source ? options.source() : (options.lexicons ?? {});
  const runtime: Record<string, string[]> = {};
  let merged = mergeSets(base, runtime);
  let matcher: LexiconMatcher;
  let termCount = 0;

  const rebuild = () => {
    merged = mergeSets(base, runtime);
    const lex: Record<string, string[]> = {};
    termCount = 0;
    for (const [cat, set] of merged) {
      lex[cat] = [...set];
      termCount += set.size;
    }
    matcher = new LexiconMatcher(lex, { pinyin: options.pinyin, pinyinMinLength: options.pinyinMinLength });
  };
  rebuild();

  const lexiconFindings = (field: 'title' | 'body', text: string): Finding[] => {
    let hits: LexiconHit[] = matcher.find(text);
    if (options.segmenter) {
      const seg = options.segmenter;
      hits = hits.filter((h) => h.viaPinyin || h.end - h.start !== h.term.length || !straddlesWords(seg, text, h.start, h.end));
    }
    // drop a hit contained in another hit of the same category
    // (hits come sorted by start, longer first)
    const maxEnd = new Map<string, number>();
    hits = hits.filter((h) => {
      const m = maxEnd.get(h.category);
      if (m !== undefined && h.end <= m) return false;
      maxEnd.set(h.category, h.end);
      return true;
    });
    const memo: SolicitationMemo = new Map();
    return hits.map((h) => {
      let severity: Severity = severityOf(h.category);
      let note = '';
      if (h.category === 'confidential' && WEAK_CONFIDENTIAL.has(foldTerm(h.term))) {
        const marked = MARKING_AFTER.test(text.slice(h.end, h.end + 4)) || MARKING_BEFORE.test(text.slice(Math.max(0, h.start - 4), h.start));
        if (!marked) {
          severity = 'info';
          note = '（未见密级标志，如仅为一般表述可忽略）';
        }
      }
      if (h.category !== 'confidential' && severity !== 'info') {
        // 1. a crackdown or warning word right before the hit (查处赌博, 谨防“杀猪盘”)
        if (COUNTER_CONTEXT.test(text.slice(Math.max(0, h.start - 12), h.start)) && !solicitation(text, h.start, h.end, memo)) {
          severity = 'info';
          note = '（上下文为打击、防范类表述，请确认不是在传播该内容）';
        } else {
          // 2. the sentence reports on, prevents or depicts the act (see context.ts)
          const ctx = hitContext(text, h.start, h.end, memo);
          if (ctx) {
            severity = 'info';
            note = `（${CONTEXT_NOTES[ctx.kind]}「${ctx.cue}」，请确认不是在传播该内容）`;
          }
        }
      }
      const shown = text.slice(h.start, h.end);
      const evasion = h.viaPinyin ? '（拼音写法）' : shown !== h.term ? '（变形写法）' : '';
      return {
        rule: `lexicon.${h.category}`,
        category: h.category,
        severity,
        field,
        start: h.start,
        end: h.end,
        text: shown,
        suggestion: `含${labelOf(h.category)}类敏感词「${h.term}」${evasion}，请删除或改写${note}`,
      };
    });
  };

  const contentFindings = (field: 'title' | 'body', text: string): Finding[] => {
    const out: Finding[] = [];
    if (on('lexicon')) out.push(...lexiconFindings(field, text));
    const view = on('personalData') || on('adLaw') ? normaliseForData(text) : undefined;
    if (on('personalData')) {
      for (const h of findPersonalData(text, view)) out.push({ ...h, category: 'personal-data', field });
    }
    if (on('adLaw')) {
      for (const h of findAdLawTerms(text, view)) {
        out.push({
          rule: 'ad-law.absolute',
          category: 'ad-law',
          severity: h.reported ? 'info' : 'warn',
          field,
          start: h.start,
          end: h.end,
          text: h.text,
          suggestion: h.reported
            ? `「${h.text}」属于《广告法》禁用的绝对化用语；上下文为对此类说法的报道或提醒「${h.reported}」，请确认不是在做宣传`
            : `「${h.text}」属于《广告法》禁用的绝对化用语，如无权威依据请删除或改为客观表述`,
        });
      }
    }
    if (on('format')) for (const h of typography(field, text)) out.push({ ...h, category: 'format' });
    return out;
  };

  const order = (a: Finding, b: Finding) => (a.field === b.field ? 0 : a.field === 'title' ? -1 : 1) || a.start - b.start || a.end - b.end;

  const engine: ReviewEngine = {
    review(content, platforms) {
      const media = content.media as SizedMedia[];
      const out = [...contentFindings('title', content.title), ...contentFindings('body', content.body)];
      if (on('clickbait')) for (const h of findClickbait(content.title, content.body, media)) out.push({ ...h, category: 'clickbait' });
      if (on('format')) {
        for (const p of platforms) for (const h of platformFormat(content.title, content.body, media, p, limits[p])) out.push({ ...h, category: 'format' });
      }
      return out.sort(order);
    },
    reviewText(text, opts = {}) {
      const field = opts.field ?? 'body';
      const out = contentFindings(field, text);
      if (field === 'title' && on('clickbait')) for (const h of findClickbait(text, '', [])) if (h.rule !== 'clickbait.promise') out.push({ ...h, category: 'clickbait' });
      if (on('format')) {
        for (const p of opts.platforms ?? []) {
          const hits = field === 'title' ? platformFormat(text, '', [{ kind: 'video', key: '-' }], p, limits[p]) : platformFormat('-', text, [{ kind: 'video', key: '-' }], p, limits[p]);
          for (const h of hits) if (h.field === field && /length/.test(h.rule)) out.push({ ...h, category: 'format' });
        }
      }
      return out.sort(order);
    },
    addTerm(category, word) {
      const w = word.trim();
      if (!w || !category.trim()) return false;
      if (merged.get(category)?.has(w)) return false;
      (runtime[category] ??= []).push(w);
      rebuild();
      return true;
    },
    allow(word) {
      return engine.addTerm(ALLOW_CATEGORY, word);
    },
    listTerms(category) {
      return [...(merged.get(category) ?? [])].sort();
    },
    categories() {
      return [...merged.entries()].filter(([, s]) => s.size > 0).map(([c]) => c).sort();
    },
    reload() {
      if (options.source) base = options.source();
      rebuild();
    },
    get termCount() {
      return termCount;
    },
  };
  return engine;
}

/** True when any finding blocks final approval. */
export const hasBlocking = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'block');
