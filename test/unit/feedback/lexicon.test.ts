import { buildLexicon, DEFAULT_LEXICON_SOURCE, getDefaultLexicon, analyseSentiment, type LexiconSource } from '../../../src/domain/feedback';

const norm = (w: string): string => w.normalize('NFKC').replace(/[\uFE0E\uFE0F]/g, '').toLowerCase();
const keys = (o: Record<string, number> | readonly string[]): string[] => (Array.isArray(o) ? o : Object.keys(o)).map(norm);

describe('lexicon data', () => {
  const src = DEFAULT_LEXICON_SOURCE;

  it('has a useful size', () => {
    expect(Object.keys(src.positive).length).toBeGreaterThan(200);
    expect(Object.keys(src.negative).length).toBeGreaterThan(200);
    expect(Object.keys(src.negation).length).toBeGreaterThan(10);
    expect(Object.keys(src.degree).length).toBeGreaterThan(20);
  });

  it('no word is both positive and negative', () => {
    const pos = new Set(keys(src.positive));
    expect(keys(src.negative).filter((w) => pos.has(w))).toEqual([]);
  });

  it('neutral masks do not shadow sentiment, negation or degree entries', () => {
    const active = new Set([...keys(src.positive), ...keys(src.negative), ...keys(src.negation), ...keys(src.degree), ...keys(src.polite)]);
    expect(keys(src.neutral).filter((w) => active.has(w))).toEqual([]);
  });

  it('weights are positive and bounded (polarity comes from the list)', () => {
    for (const list of [src.positive, src.negative, src.polite]) {
      for (const [w, v] of Object.entries(list)) {
        expect([w, v > 0 && v <= 3]).toEqual([w, true]);
      }
    }
    for (const [w, v] of Object.entries(src.degree)) expect([w, v > 0 && v <= 2.5]).toEqual([w, true]);
  });

  it('patterns and aspect rules compile', () => {
    const lex = getDefaultLexicon();
    expect(lex.patterns.length).toBe(src.patterns.length);
    expect(lex.aspects.length).toBe(src.aspects.length);
  });
});

describe('buildLexicon', () => {
  it('extends the shipped lexicon with new words', () => {
    const extended: LexiconSource = { ...DEFAULT_LEXICON_SOURCE, positive: { ...DEFAULT_LEXICON_SOURCE.positive, 绝绝子: 2 } };
    const lexicon = buildLexicon(extended);
    expect(analyseSentiment('绝绝子').label).toBe('neutral');
    expect(analyseSentiment('绝绝子', { lexicon }).label).toBe('positive');
  });
});
