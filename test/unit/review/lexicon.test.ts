import { LexiconMatcher, jiebaSegmenter, parseLexicon, straddlesWords } from '../../../src/domain/review';

const lex = new LexiconMatcher({
  gambling: ['赌博', '六合彩'],
  pornography: ['色情'],
  insult: ['sb'],
  confidential: ['内部资料'],
  allow: ['特色情怀'],
});
const cats = (t: string) => lex.find(t).map((h) => `${h.category}:${t.slice(h.start, h.end)}`);

describe('LexiconMatcher', () => {
  it.each([
    ['赌博', '赌博'],
    ['赌 博', '赌 博'],
    ['赌*博', '赌*博'],
    ['赌\u200b博', '赌\u200b博'],
    ['赌🎲博', '赌🎲博'],
    ['賭博', '賭博'],
    ['赌、博', '赌、博'],
    ['六合彩', '六合彩'],
    ['六‧合‧彩', '六‧合‧彩'],
  ])('matches the evasion %s', (evasion, span) => {
    expect(cats(`他参与${evasion}被抓`)).toEqual([`gambling:${span}`]);
  });

  it('matches pinyin spellings in any case and width, but not inside a Latin word', () => {
    expect(cats('玩 dubo 吗')).toEqual(['gambling:dubo']);
    expect(cats('玩DuBo吗')).toEqual(['gambling:DuBo']);
    expect(cats('玩ｄｕｂｏ吗')).toEqual(['gambling:ｄｕｂｏ']);
    expect(cats('du bo')).toEqual(['gambling:du bo']);
    expect(cats('Dubois said')).toEqual([]);
  });

  it('matches mixed pinyin and characters and tone marks, but not homophones written in characters', () => {
    expect(cats('玩du博吗')).toEqual(['gambling:du博']);
    expect(cats('玩赌Bo吗')).toEqual(['gambling:赌Bo']);
    expect(cats('一起 dǔ bó')).toEqual(['gambling:dǔ bó']);
    expect(cats('liu he cai')).toEqual(['gambling:liu he cai']);
    expect(cats('他在读博士')).toEqual([]);
    expect(cats('du')).toEqual([]);
  });

  it('cuts letter runs into syllables respecting spaces and the apostrophe rule', () => {
    const fraud = new LexiconMatcher({ fraud: ['保本高息', '荐股'] });
    const f = (t: string) => fraud.find(t).map((h) => t.slice(h.start, h.end));
    expect(f('BAO BEN GAO XI')).toEqual(['BAO BEN GAO XI']);
    expect(f('baobengaoxi')).toEqual(['baobengaoxi']);
    expect(f('jiangu')).toEqual(['jiangu']);
    expect(f('j i a n g u')).toEqual(['j i a n g u']);
  });

  it('can switch pinyin off', () => {
    const noPy = new LexiconMatcher({ gambling: ['赌博'] }, { pinyin: false });
    expect(noPy.find('dubo')).toEqual([]);
  });

  it('does not match Latin terms glued to other letters', () => {
    expect(cats('你真是个SB')).toEqual(['insult:SB']);
    expect(cats('USB接口')).toEqual([]);
  });

  it('removes allow-listed phrases (色情 inside 特色情怀)', () => {
    expect(cats('体现了特色情怀')).toEqual([]);
    expect(cats('特色情怀与色情无关')).toEqual(['pornography:色情']);
  });

  it('reports matches in order with spans on the original text', () => {
    const text = '内部 资料：賭博';
    expect(lex.find(text).map((h) => [h.start, h.end])).toEqual([
      [0, 5],
      [6, 8],
    ]);
  });
});

describe('parseLexicon', () => {
  it('reads one term per line with comments and blanks', () => {
    expect(parseLexicon('\ufeff# header\n赌博\n  六合彩  # inline\n\n\r\n色情\r\n')).toEqual(['赌博', '六合彩', '色情']);
  });
});

describe('segmentation', () => {
  it('detects a hit that straddles two words', () => {
    const seg = jiebaSegmenter();
    expect(straddlesWords(seg, '浓浓的特色情怀', 4, 6)).toBe(true);
    expect(straddlesWords(seg, '严禁参与赌博活动', 4, 6)).toBe(false);
  });
});
