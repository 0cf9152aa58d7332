import fc from 'fast-check';
import { pinyinSpellings, readings, syllablePatterns, toSyllables } from '../../../src/domain/review/pinyin';

const syllables = (text: string) => {
  const st = toSyllables(text);
  return Array.from({ length: st.length }, (_, i) => `${text.slice(st.starts[i], st.ends[i])}${st.letters[i] ? '*' : ''}`);
};

describe('pinyin', () => {
  it('gives toneless readings, most common first', () => {
    expect(readings('赌')).toEqual(['du']);
    expect(readings('行')[0]).toBe('xing');
    expect(pinyinSpellings('长大', 2)).toEqual(['changda', 'changdai']);
  });

  it('makes one syllable unit per character', () => {
    const [p] = syllablePatterns('赌博');
    expect(p).toHaveLength(2);
    expect(syllablePatterns('赌博')).toHaveLength(1);
    expect(syllablePatterns('行长')).toHaveLength(2);
  });

  it('cuts letter runs into syllables and keeps characters as units', () => {
    expect(syllables('du博')).toEqual(['du*', '博']);
    expect(syllables('BAO BEN GAO XI')).toEqual(['BAO*', 'BEN*', 'GAO*', 'XI*']);
    expect(syllables('jiangu')).toEqual(['jian*', 'gu*']);
    expect(syllables('xi an')).toEqual(['xi*', 'an*']);
    expect(syllables('d u b o')).toEqual(['d u*', 'b o*']);
  });

  it('spans of syllable units always index the original text in order (property)', () => {
    const piece = fc.constantFrom('du', 'bo', 'D', 'U', ' ', '赌', '博', 'ǔ', 'x', 'q', '，', '😀', 'Ａ', 'ng');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((a) => a.join('')), (text) => {
        const st = toSyllables(text);
        let prev = 0;
        for (let i = 0; i < st.length; i++) {
          expect(st.starts[i]).toBeGreaterThanOrEqual(prev);
          expect(st.starts[i]).toBeLessThan(st.ends[i]);
          expect(st.ends[i]).toBeLessThanOrEqual(text.length);
          prev = st.ends[i];
        }
      }),
    );
  });
});
