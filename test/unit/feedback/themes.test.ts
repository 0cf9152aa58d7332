import { analyseThemes, commentKeywords, extractKeywords } from '../../../src/domain/feedback';

const COMMENTS = [
  '社保卡什么时候能领，电话一直打不通',
  '社保卡补办要多久？电话打了好几次',
  '社保卡的电话根本没人接',
  '非遗展演太精彩了，现场气氛特别好',
  '非遗展演明年还有吗',
  '停车太难了，停车场也没有指引',
  '2024年 666 111 好 的 了',
  '[赞][赞] https://example.com/a?b=c @小编',
];

describe('extractKeywords', () => {
  it('finds the topics people talk about, most frequent first', () => {
    const words = extractKeywords(COMMENTS, { topKeywords: 5 }).map((k) => k.word);
    expect(words[0]).toBe('社保卡');
    expect(words).toEqual(expect.arrayContaining(['电话', '非遗']));
  });

  it('drops stopwords, single characters, numbers, links, mentions and sticker codes', () => {
    const all = extractKeywords(COMMENTS, { topKeywords: 100 }).map((k) => k.word);
    for (const w of all) {
      expect([...w].length).toBeGreaterThanOrEqual(2);
      expect(w).not.toMatch(/^\d+$/);
    }
    for (const banned of ['什么', '时候', '2024', '666', '赞', 'https', 'example', '小编']) expect(all).not.toContain(banned);
  });

  it('strips a leading degree word from a sentiment word only (太精彩 → 精彩, 老年人 stays)', () => {
    const all = extractKeywords(['非遗展演太精彩了', '老年人办事难', '太阳能路灯坏了'], { topKeywords: 20 }).map((k) => k.word);
    expect(all).not.toContain('太精彩');
    expect(all).toContain('精彩');
    expect(all).toEqual(expect.arrayContaining(['老年人', '太阳能']));
  });

  it('honours extra stopwords and minCount', () => {
    expect(extractKeywords(COMMENTS, { topKeywords: 100, stopwords: ['社保卡'] }).map((k) => k.word)).not.toContain('社保卡');
    const frequent = extractKeywords(COMMENTS, { topKeywords: 100, minCount: 2 });
    expect(frequent.length).toBeGreaterThan(0);
    for (const k of frequent) expect(k.count).toBeGreaterThanOrEqual(2);
  });

  it('is deterministic and independent of comment order', () => {
    const a = extractKeywords(COMMENTS, { topKeywords: 20 });
    const b = extractKeywords([...COMMENTS].reverse(), { topKeywords: 20 });
    expect(b).toEqual(a);
    expect(extractKeywords(COMMENTS, { topKeywords: 20 })).toEqual(a);
  });

  it('orders ties by comment count, then by word', () => {
    const kws = extractKeywords(['苹果 香蕉', '香蕉 苹果'], { topKeywords: 10 });
    const sorted = [...kws].sort((x, y) => y.weight - x.weight || y.count - x.count || (x.word < y.word ? -1 : x.word > y.word ? 1 : 0));
    expect(kws).toEqual(sorted);
  });

  it('handles no comments and empty comments', () => {
    expect(extractKeywords([])).toEqual([]);
    expect(commentKeywords(['', '   '])).toEqual([new Map(), new Map()]);
  });
});

describe('analyseThemes', () => {
  it('groups keywords that co-occur and lists the comments of each theme', () => {
    const { themes } = analyseThemes(COMMENTS, { maxThemes: 3 });
    const social = themes.find((t) => t.keywords.includes('社保卡'));
    expect(social).toBeDefined();
    expect(social?.keywords).toContain('电话');
    expect(social?.members).toEqual([0, 1, 2]);
    const heritage = themes.find((t) => t.keywords.includes('非遗'));
    expect(heritage?.keywords).toContain('展演');
    expect(heritage?.members).toEqual([3, 4]);
    expect(themes[0].label).toBe('社保卡');
  });

  it('does not group keywords that merely appear once together', () => {
    const { themes } = analyseThemes(COMMENTS);
    const parking = themes.find((t) => t.keywords.includes('停车场'));
    expect(parking?.keywords ?? ['停车场']).toEqual(['停车场']);
  });

  it('is deterministic', () => {
    expect(analyseThemes(COMMENTS)).toEqual(analyseThemes(COMMENTS));
  });
});
