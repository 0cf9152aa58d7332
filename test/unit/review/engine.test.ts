import fc from 'fast-check';
import type { Reviewer } from '../../../src/domain/model';
import { applyReplacements, createReviewEngine, hasBlocking, type LexiconSet } from '../../../src/domain/review';
import { validId } from './helpers';

const base: LexiconSet = {
  gambling: ['赌博'],
  pornography: ['色情'],
  confidential: ['绝密', '秘密', '内部资料'],
  allow: ['特色情怀'],
};

describe('createReviewEngine', () => {
  it('implements Reviewer over title and body, with fields and platforms', () => {
    const engine: Reviewer = createReviewEngine({ lexicons: base });
    const findings = engine.review({ title: '震惊！！赌博', body: '联系13812345678', media: [] }, ['weibo']);
    expect(findings.map((f) => `${f.field}:${f.rule}`)).toEqual([
      'title:clickbait.shock',
      'title:clickbait.punctuation',
      'title:lexicon.gambling',
      'body:pii.mobile',
    ]);
    expect(hasBlocking(findings)).toBe(true);
    const t = findings.find((f) => f.rule === 'lexicon.gambling')!;
    expect([t.start, t.end, t.text, t.category, t.severity]).toEqual([4, 6, '赌博', 'gambling', 'block']);
  });

  it('reviewText returns findings with spans on the original text', () => {
    const engine = createReviewEngine({ lexicons: base });
    const text = '这里有賭 博，还有色😀情内容，特色情怀不算。';
    const f = engine.reviewText(text);
    expect(f.map((x) => [x.rule, text.slice(x.start, x.end), x.text])).toEqual([
      ['lexicon.gambling', '賭 博', '賭 博'],
      ['lexicon.pornography', '色😀情', '色😀情'],
    ]);
  });

  it('marks 秘密 as block only next to a classification marking', () => {
    const engine = createReviewEngine({ lexicons: base });
    expect(engine.reviewText('秘密★5年').map((f) => f.severity)).toEqual(['block']);
    expect(engine.reviewText('保守国家秘密是公民的义务').map((f) => f.severity)).toEqual(['info']);
    expect(engine.reviewText('【内部资料 注意保存】').map((f) => f.severity)).toEqual(['block']);
  });

  it('adds terms and allow-list entries at run time and lists them', () => {
    const engine = createReviewEngine({ lexicons: base });
    expect(engine.reviewText('出售考试答案')).toEqual([]);
    expect(engine.addTerm('fraud', '考试答案')).toBe(true);
    expect(engine.addTerm('fraud', '考试答案')).toBe(false);
    expect(engine.reviewText('出售考试*答案').map((f) => f.rule)).toEqual(['lexicon.fraud']);
    expect(engine.listTerms('fraud')).toEqual(['考试答案']);
    expect(engine.allow('考试答案解析')).toBe(true);
    expect(engine.reviewText('考试答案解析')).toEqual([]);
    expect(engine.listTerms('allow')).toEqual(['特色情怀', '考试答案解析']);
    expect(engine.categories()).toEqual(['allow', 'confidential', 'fraud', 'gambling', 'pornography']);
  });

  it('reload() re-reads the source and keeps run-time additions', () => {
    let files: LexiconSet = { gambling: ['赌博'] };
    const engine = createReviewEngine({ source: () => files });
    engine.addTerm('insult', '狗官');
    expect(engine.reviewText('六合彩')).toEqual([]);
    files = { gambling: ['赌博', '六合彩'] };
    engine.reload();
    expect(engine.reviewText('六合彩 狗官').map((f) => f.rule)).toEqual(['lexicon.gambling', 'lexicon.insult']);
    expect(engine.termCount).toBe(3);
  });

  it('cuts hits that straddle two words when a segmenter is given', () => {
    const seg = (t: string) => t.match(/特色|情怀|[\s\S]/g) ?? [];
    const engine = createReviewEngine({ lexicons: { pornography: ['色情'] }, segmenter: seg });
    expect(engine.reviewText('浓浓的特色情怀')).toEqual([]);
    expect(engine.reviewText('拒绝色情')).toHaveLength(1);
  });

  it('can switch detector families off', () => {
    const engine = createReviewEngine({ lexicons: base, detectors: { personalData: false, format: false } });
    expect(engine.reviewText('手机13812345678,好')).toEqual([]);
  });

  it('reviewText checks per-platform length of the given field', () => {
    const engine = createReviewEngine({ lexicons: {} });
    expect(engine.reviewText('字'.repeat(141), { platforms: ['weibo'] }).map((f) => f.rule)).toEqual(['format.body-length']);
    expect(engine.reviewText('字'.repeat(33), { field: 'title', platforms: ['wechat'] }).map((f) => f.rule)).toEqual(['format.title-length']);
  });

  it('one-tap masking clears every personal-data finding', () => {
    const engine = createReviewEngine({ lexicons: {} });
    const id = validId('11010119800101001');
    const text = `联系人：王五，13912345678，身份证${id}，邮箱wang5@example.cn`;
    const masked = applyReplacements(text, engine.reviewText(text).filter((f) => f.category === 'personal-data'));
    expect(engine.reviewText(masked).filter((f) => f.category === 'personal-data')).toEqual([]);
    expect(masked).toContain('139****5678');
  });

  it('spans always index the original text (property)', () => {
    const engine = createReviewEngine({ lexicons: base });
    const piece = fc.constantFrom('赌', '博', '賭', ' ', '*', '色', '情', '特', '怀', '😀', '\u200b', '１', '3', '8', '，', '\n', '最', '佳', '第一', '秘密', '★', 'du', 'bo', 'D', 'U', 'ǔ', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 50 }).map((a) => a.join('')), (text) => {
        for (const f of engine.reviewText(text)) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(text.length);
          expect(text.slice(f.start, f.end)).toBe(f.text);
        }
      }),
    );
  });
});

describe('counter context', () => {
  it('reports hits in crackdown and warning sentences as info only', () => {
    const engine = createReviewEngine({ lexicons: { gambling: ['赌博'], fraud: ['杀猪盘'] } });
    expect(engine.reviewText('公安机关查处赌博案件12起').map((f) => f.severity)).toEqual(['info']);
    expect(engine.reviewText('谨防“杀猪盘”诈骗').map((f) => f.severity)).toEqual(['info']);
    expect(engine.reviewText('欢迎来玩赌博游戏').map((f) => f.severity)).toEqual(['block']);
    expect(engine.reviewText('严禁赌博。下载赌博软件').map((f) => f.severity)).toEqual(['info', 'block']);
  });
});
