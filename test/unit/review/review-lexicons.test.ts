import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LEXICON_CATEGORIES } from '../../../src/domain/review';
import { appendTerm, createReviewEngineFromDisk, DEFAULT_LEXICON_DIR, loadLexicons, readLexiconDir } from '../../../src/review-lexicons';

describe('lexicon files', () => {
  it('ships a default lexicon for every category and an allow-list', () => {
    const set = readLexiconDir(DEFAULT_LEXICON_DIR);
    for (const cat of LEXICON_CATEGORIES) expect(set[cat]?.length).toBeGreaterThan(5);
    expect(set.allow).toContain('特色情怀');
  });

  it('merges the organisation directory with the defaults, file name = category', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lex-'));
    writeFileSync(path.join(dir, 'gambling.txt'), '# ours\n牌九\n');
    writeFileSync(path.join(dir, 'leaks.txt'), '未公开财报\n');
    writeFileSync(path.join(dir, 'notes.md'), '忽略\n');
    const set = loadLexicons({ lexiconDir: dir });
    expect(set.gambling).toEqual(expect.arrayContaining(['赌博', '牌九']));
    expect(set.leaks).toEqual(['未公开财报']);
    expect(Object.keys(set)).not.toContain('notes');
    expect(loadLexicons({ lexiconDir: dir, defaults: false })).toEqual({ gambling: ['牌九'], leaks: ['未公开财报'] });
  });

  it('reload() picks up terms appended to the files, without a restart', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lex-'));
    const engine = createReviewEngineFromDisk({ lexiconDir: dir, segmenter: undefined });
    expect(engine.reviewText('未公开财报外泄')).toEqual([]);
    appendTerm(dir, 'leaks', '未公开财报');
    appendTerm(dir, 'allow', '未公开财报摘要');
    expect(readFileSync(path.join(dir, 'leaks.txt'), 'utf8')).toBe('未公开财报\n');
    engine.reload();
    expect(engine.reviewText('未公开财报外泄').map((f) => f.rule)).toEqual(['lexicon.leaks']);
    expect(engine.reviewText('未公开财报摘要')).toEqual([]);
    expect(() => appendTerm(dir, '../x', 'y')).toThrow();
  });
});

describe('evaluation set', () => {
  const cases = readFileSync(path.join(__dirname, '../../fixtures/review/cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; group: string; text: string; expect: string[] });
  it('has at least 400 well-formed cases with unique ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    for (const c of cases) {
      expect(typeof c.text).toBe('string');
      expect(Array.isArray(c.expect)).toBe(true);
    }
    const groups = new Set(cases.map((c) => c.group));
    for (const g of ['evasion', 'pii-valid', 'pii-invalid', 'negative']) expect(groups.has(g)).toBe(true);
  });
});
