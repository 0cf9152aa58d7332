import fc from 'fast-check';
import { Automaton, CHARACTER_VARIANTS, LexiconMatcher, MAX_GAP, createReviewEngine, foldTerm, normalise, termVariants } from '../../../src/domain/review';

const gapMatches = (patterns: string[], text: string, letterGaps = true) => {
  const a = new Automaton(patterns.map(foldTerm), { letterGaps });
  const out: string[] = [];
  a.scan(text, (id, s, e) => out.push(`${patterns[id]}@${s}-${e}`));
  return out.sort();
};

describe('letter gaps in the automaton', () => {
  it('matches across 1..3 Latin letters between two CJK characters, as the original span', () => {
    expect(gapMatches(['赌博'], '赌a博')).toEqual(['赌博@0-3']);
    expect(gapMatches(['赌博'], '赌X博平台')).toEqual(['赌博@0-3']);
    expect(gapMatches(['赌博'], '赌<br>博')).toEqual(['赌博@0-6']);
    expect(gapMatches(['赌博'], '赌ＡＢＣ博')).toEqual(['赌博@0-5']);
    expect(gapMatches(['六合彩'], '六合x彩')).toEqual(['六合彩@0-4']);
    expect(gapMatches(['杀猪盘'], '杀a猪b盘')).toEqual([]); // one gap per match
  });

  it('does not skip longer letter runs, letters at the edge, digits, or anything when off', () => {
    expect(gapMatches(['赌博'], '赌abcd博')).toHaveLength(0);
    expect(MAX_GAP).toBe(3);
    expect(gapMatches(['赌博'], 'a赌博b')).toEqual(['赌博@1-3']);
    expect(gapMatches(['赌博'], '赌1博')).toEqual([]);
    expect(gapMatches(['赌博'], '赌a博', false)).toEqual([]);
  });

  it('keeps terms that contain letters and reports each match once', () => {
    expect(gapMatches(['av女优'], '看av女优')).toEqual(['av女优@1-5']);
    expect(gapMatches(['赌博', '博彩'], '赌a博彩')).toEqual(['博彩@2-4', '赌博@0-3']);
    expect(gapMatches(['赌博'], '赌博')).toEqual(['赌博@0-2']);
  });

  it('finds everything the plain scan finds, and every extra span folds to the pattern once its letter gap is removed (property)', () => {
    const alphabet = fc.constantFrom('中', '国', '人', '赌', '博', '賭', 'a', 'b', 'X', 'ｃ', ' ', '*', '<', '1');
    const word = fc.array(fc.constantFrom('中', '国', '人', '赌', '博', 'a'), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(word, { maxLength: 8 }), fc.array(alphabet, { maxLength: 50 }).map((a) => a.join('')), (words, text) => {
        const folded = [...new Set(words.map(foldTerm).filter(Boolean))];
        const plain: string[] = [];
        new Automaton(folded).scan(text, (id, s, e) => plain.push(`${id}@${s}-${e}`));
        const gaps: string[] = [];
        new Automaton(folded, { letterGaps: true }).scan(text, (id, s, e) => {
          expect(0 <= s && s < e && e <= text.length).toBe(true);
          gaps.push(`${id}@${s}-${e}`);
          const f = normalise(text.slice(s, e)).text;
          if (f !== folded[id]) expect(f.replace(/([\u4e00-\u9fff])[a-z]{1,3}(?=[\u4e00-\u9fff])/, '$1')).toBe(folded[id]);
        });
        for (const p of plain) expect(gaps).toContain(p);
      }),
    );
  });
});

describe('character variants', () => {
  it('expands a term with one substituted character at a time', () => {
    expect(termVariants('赌博')).toEqual(['赌搏']);
    expect(termVariants('百家乐').sort()).toEqual(['百佳乐', '百家了'].sort());
    expect(termVariants('六合彩').sort()).toEqual(['6合彩', '陆合彩'].sort());
    expect(termVariants('博')).toEqual([]);
    expect(termVariants('色情')).toEqual([]);
    expect(Object.keys(CHARACTER_VARIANTS).length).toBeLessThan(12);
  });

  const lex = new LexiconMatcher({ gambling: ['赌博', '百家乐', '六合彩', '老虎机'], pornography: ['约炮'] });
  const hits = (t: string) => lex.find(t).map((h) => `${h.category}:${h.term}:${t.slice(h.start, h.end)}`);

  it.each([
    ['群里有人组织赌搏', 'gambling:赌博:赌搏'],
    ['百佳乐官网', 'gambling:百家乐:百佳乐'],
    ['玩百家了', 'gambling:百家乐:百家了'],
    ['⑥合彩开奖', 'gambling:六合彩:⑥合彩'],
    ['6合彩特码', 'gambling:六合彩:6合彩'],
    ['陆合彩资料', 'gambling:六合彩:陆合彩'],
    ['新到一批老湖机', 'gambling:老虎机:老湖机'],
    ['同城约泡', 'pornography:约炮:约泡'],
    ['赌a搏', 'gambling:赌博:赌a搏'],
  ])('matches the variant in %s', (text, want) => {
    expect(hits(text)).toEqual([want]);
  });

  it('leaves ordinary words alone', () => {
    expect(hits('奋力拼搏，追求最佳成绩')).toEqual([]);
    expect(hits('第16合同段')).toEqual([]); // a digit glued to another digit is not 六
    expect(hits('家乐福超市')).toEqual([]);
  });

  it('can be switched off', () => {
    const off = new LexiconMatcher({ gambling: ['赌博'] }, { variants: false, letterGaps: false });
    expect(off.find('赌搏 赌a博')).toEqual([]);
  });

  it('engine spans index the original text with variants and gaps (property)', () => {
    const engine = createReviewEngine({ lexicons: { gambling: ['赌博', '六合彩', '百家乐'] } });
    const piece = fc.constantFrom('赌', '博', '搏', '六', '6', '⑥', '陆', '合', '彩', '百', '家', '佳', '乐', '了', 'a', 'X', '<', '>', ' ', '*', '😀', '，', '\n', 'du', 'bo');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        for (const f of engine.reviewText(text)) expect(text.slice(f.start, f.end)).toBe(f.text);
      }),
    );
  });
});
