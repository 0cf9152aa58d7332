import fc from 'fast-check';
import { Automaton, foldTerm, normalise } from '../../../src/domain/review';

const matches = (patterns: string[], text: string) => {
  const a = new Automaton(patterns.map(foldTerm));
  const out: string[] = [];
  a.scan(text, (id, s, e) => out.push(`${patterns[id]}@${s}-${e}`));
  return out.sort();
};

describe('Automaton', () => {
  it('finds a short term that ends inside a longer one (the mint-filter miss)', () => {
    expect(matches(['中国人民', '国人'], '我是中国人也')).toEqual(['国人@3-5']);
    expect(matches(['中国人民', '国人'], '中国人民')).toEqual(['中国人民@0-4', '国人@1-3']);
  });

  it('reports overlapping and repeated matches', () => {
    expect(matches(['he', 'she', 'his', 'hers'], 'ushers')).toEqual(['he@2-4', 'hers@2-6', 'she@1-4']);
    expect(matches(['aa'], 'aaaa')).toEqual(['aa@0-2', 'aa@1-3', 'aa@2-4']);
  });

  it('reports spans of the original text across evasions', () => {
    expect(matches(['赌博'], '赌*博 賭 博')).toEqual(['赌博@0-3', '赌博@4-7']);
    expect(matches(['10'], '⑩')).toEqual(['10@0-1']);
  });

  it('handles an empty pattern list and empty patterns', () => {
    expect(new Automaton([]).count('任何文本')).toBe(0);
    expect(new Automaton(['']).count('abc')).toBe(0);
  });

  it('agrees with a naive search over the folded text, and every span folds to its pattern (property)', () => {
    const alphabet = fc.constantFrom('中', '国', '人', '民', 'a', 'b', '賭', '赌', '博', ' ', '*', 'Ａ');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(word, { maxLength: 12 }), fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')), (words, text) => {
        const folded = [...new Set(words.map(foldTerm).filter(Boolean))];
        const a = new Automaton(folded);
        const got: string[] = [];
        a.scan(text, (id, s, e) => {
          expect(foldTerm(text.slice(s, e))).toBe(folded[id]);
          got.push(`${id}@${s}`);
        });
        const n = normalise(text);
        const want: string[] = [];
        folded.forEach((p, id) => {
          for (let i = n.text.indexOf(p); i >= 0; i = n.text.indexOf(p, i + 1)) want.push(`${id}@${n.starts[i]}`);
        });
        expect(got.sort()).toEqual(want.sort());
      }),
    );
  });

  it('builds a large lexicon correctly', () => {
    const words: string[] = [];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 5000; i++) {
      let w = '';
      const len = 2 + (rnd() % 4);
      for (let k = 0; k < len; k++) w += String.fromCharCode(0x4e00 + (rnd() % 800));
      words.push(w);
    }
    const folded = [...new Set(words.map(foldTerm))];
    const a = new Automaton(folded);
    const missed = folded.filter((w, id) => {
      const found = new Set<number>();
      a.scan(`前${w}后`, (x) => found.add(x));
      return !found.has(id);
    });
    expect(missed).toEqual([]);
  });
});
