import fc from 'fast-check';
import { foldTerm, normalise, normaliseForData } from '../../../src/domain/review';

describe('normalise', () => {
  it.each([
    ['ＡＢＣ１２３', 'abc123'],
    ['DuBo', 'dubo'],
    ['賭博', '赌博'],
    ['赌 博', '赌博'],
    ['赌*博', '赌博'],
    ['赌\u200b博', '赌博'],
    ['赌\ufeff博', '赌博'],
    ['赌😀博', '赌博'],
    ['赌，博', '赌博'],
    ['①⑩❶➊⓵', '110111'],
    ['色\u3000情', '色情'],
    ['ѕВ', 'sb'],
    ['dǔ bó', 'dubo'],
  ])('%s -> %s', (input, folded) => {
    expect(normalise(input).text).toBe(folded);
  });

  it('maps every folded unit back to its original span', () => {
    const n = normalise('a＊賭😀博⑩');
    expect(n.text).toBe('a赌博10');
    expect([...n.starts]).toEqual([0, 2, 5, 6, 6]);
    expect([...n.ends]).toEqual([1, 3, 6, 7, 7]);
  });

  it('folds terms like text', () => {
    expect(foldTerm('AV女優')).toBe('av女优');
  });

  const pieces = fc.constantFrom('赌', '博', '賭', 'Ａ', 'a', 'B', '1', '１', '①', '⑩', ' ', '*', '，', '\u200b', '😀', '𠀀', '\ud800', '色', '情', '\n', 'ß', 'ﬁ', 'ǔ', 'ѕ', '𝐝', '\u20e3');
  const texts = fc.array(pieces, { maxLength: 40 }).map((a) => a.join(''));

  it('never shifts a span: the original slice of any folded span folds to that span (property)', () => {
    fc.assert(
      fc.property(texts, fc.nat(), fc.nat(), (text, x, y) => {
        const n = normalise(text);
        if (n.text.length === 0) return true;
        let a = x % n.text.length;
        let b = (y % n.text.length) + 1;
        if (a >= b) [a, b] = [b - 1, a + 1];
        // a span must not cut a multi-unit fold in half
        while (a > 0 && n.starts[a - 1] === n.starts[a]) a--;
        while (b < n.text.length && n.starts[b] === n.starts[b - 1]) b++;
        const start = n.starts[a];
        const end = n.ends[b - 1];
        expect(start).toBeLessThan(end);
        expect(end).toBeLessThanOrEqual(text.length);
        expect(normalise(text.slice(start, end)).text).toBe(n.text.slice(a, b));
        return true;
      }),
    );
  });

  it('keeps offsets monotonic and inside the text (property)', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const n = normalise(text);
        for (let i = 0; i < n.text.length; i++) {
          expect(n.starts[i]).toBeLessThan(n.ends[i]);
          expect(n.ends[i]).toBeLessThanOrEqual(text.length);
          if (i > 0) expect(n.starts[i]).toBeGreaterThanOrEqual(n.starts[i - 1]);
        }
      }),
    );
  });
});

describe('normaliseForData', () => {
  it('folds full-width and circled digits, drops zero-width, keeps punctuation and case', () => {
    const n = normaliseForData('１３８-①\u200b2３E');
    expect(n.text).toBe('138-123E');
    expect(n.starts[4]).toBe(4);
    expect(n.starts[5]).toBe(6);
  });
});
