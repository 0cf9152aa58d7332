import { analyseSentiment, explainSentiment } from '../../../src/domain/feedback';

const label = (t: string): string => analyseSentiment(t).label;
const score = (t: string): number => analyseSentiment(t).score;

describe('analyseSentiment: basics', () => {
  it.each(['给工作人员点赞', '辛苦了', '支持！', '太好了，终于等到了'])('praise is positive: %s', (t) => {
    expect(label(t)).toBe('positive');
  });
  it.each(['太失望了', '垃圾服务', '电话打不通', '我要投诉'])('criticism is negative: %s', (t) => {
    expect(label(t)).toBe('negative');
  });
  it.each(['收到', '已转发', '活动在哪里举行', '', '   '])('plain statements and questions are neutral: "%s"', (t) => {
    expect(analyseSentiment(t)).toEqual({ label: 'neutral', score: 0 });
  });
  it('keeps the score in [-1, 1] however much is said', () => {
    expect(score('点赞'.repeat(200))).toBeLessThanOrEqual(1);
    expect(score('垃圾'.repeat(200))).toBeGreaterThanOrEqual(-1);
    expect(score('点赞'.repeat(200))).toBeGreaterThan(0.99);
  });
  it('is deterministic and does not depend on width or case', () => {
    expect(analyseSentiment('ＡＰＰ太好用了！')).toEqual(analyseSentiment('app太好用了!'));
  });
});

describe('negation', () => {
  it('flips praise: 不满意, 不方便, 没有感受到温暖', () => {
    expect(label('不满意')).toBe('negative');
    expect(label('一点都不方便')).toBe('negative');
    expect(label('没有感受到温暖')).toBe('negative');
  });
  it('negated criticism is not negative: 没有问题, 不差, 不麻烦', () => {
    for (const t of ['没有问题', '不差', '一点也不麻烦']) expect(score(t)).toBeGreaterThan(0);
  });
  it('"不是很好" (negation before degree) is negative but milder than "很不好"', () => {
    expect(label('不是很好')).toBe('negative');
    expect(score('很不好')).toBeLessThan(score('不是很好'));
  });
  it('double negation cancels', () => {
    expect(score('不是不支持')).toBeGreaterThan(0);
  });
  it('does not reach across clauses or too far', () => {
    const hits = explainSentiment('没有，真的很满意').hits;
    expect(hits).toHaveLength(1);
    expect(hits[0].negated).toBe(false);
  });
  it('words containing a negation character are not negations: 非遗, 非常, 不错, 无论', () => {
    expect(label('非遗文化真美')).toBe('positive');
    expect(label('非常好')).toBe('positive');
    expect(label('不错')).toBe('positive');
  });
  it('"别再…" asks to stop something bad instead of negating it', () => {
    expect(label('希望别再扰民了')).toBe('negative');
  });
});

describe('degree words', () => {
  it('intensifiers strengthen and diminishers weaken', () => {
    expect(score('非常满意')).toBeGreaterThan(score('满意'));
    expect(score('满意')).toBeGreaterThan(score('有点满意'));
    expect(score('太慢了')).toBeLessThan(score('有点慢'));
  });
  it('好 before another sentiment word is an intensifier (好麻烦 is negative)', () => {
    expect(label('好麻烦啊')).toBe('negative');
    expect(score('好方便')).toBeGreaterThan(score('方便'));
  });
});

describe('contrast', () => {
  it('the clause after 但是 decides', () => {
    expect(label('虽然排队时间长，但是工作人员很耐心')).toBe('positive');
    expect(label('虽然态度还行，但是问题一个都没解决')).toBe('negative');
    expect(label('政策是好政策，可是根本落实不了')).toBe('negative');
  });
  it('works inside one clause too, without damping what follows the marker', () => {
    expect(label('服务好但是太慢')).toBe('negative');
    expect(label('虽然慢但是服务好')).toBe('positive');
    const [before, after] = explainSentiment('虽然慢但是服务好').hits;
    expect(Math.abs(after.value)).toBeGreaterThan(Math.abs(before.value) * 3);
  });
  it('a clause-initial 就是 is adversative', () => {
    expect(label('挺好的，就是太慢了')).toBe('negative');
  });
});

describe('questions, rhetoric, sarcasm, emoji, punctuation', () => {
  it('praise inside a question is damped', () => {
    expect(label('这个好用吗？')).toBe('neutral');
    expect(explainSentiment('这个好用吗？').question).toBe(true);
  });
  it('complaints phrased as questions stay negative', () => {
    expect(label('为什么电话一直打不通？')).toBe('negative');
  });
  it('rhetorical questions are negative, with or without a sentiment word', () => {
    expect(label('这就是你们说的便民？')).toBe('negative');
    expect(label('这就是你们的服务态度？')).toBe('negative');
  });
  it('praise in scare quotes is sarcasm', () => {
    expect(label('真是"高效"啊，三个月了还在审核')).toBe('negative');
    expect(label('真是高效啊')).toBe('positive');
  });
  it('courtesy in a question is only courtesy', () => {
    expect(label('请问什么时候开始报名？谢谢')).toBe('neutral');
    expect(label('谢谢')).toBe('positive');
  });
  it('emoji and sticker codes carry sentiment', () => {
    expect(label('👍👍👍')).toBe('positive');
    expect(label('👎')).toBe('negative');
    expect(label('[赞][赞]')).toBe('positive');
    expect(label('[发怒]')).toBe('negative');
  });
  it('exclamation marks amplify', () => {
    expect(score('太失望了！！！')).toBeLessThan(score('太失望了'));
    expect(score('点赞！！')).toBeGreaterThan(score('点赞'));
  });
  it('words that merely contain a sentiment character are not counted: 好像, 不好意思, 防诈骗', () => {
    expect(label('好像是明天')).toBe('neutral');
    expect(label('不好意思，问一下地址')).toBe('neutral');
    expect(explainSentiment('防诈骗知识').hits).toEqual([]);
  });
});

describe('aspect rules and patterns', () => {
  it('the same adjective can be praise or criticism depending on the aspect', () => {
    expect(label('质量一直很高')).toBe('positive');
    expect(label('价格太高了')).toBe('negative');
    expect(label('效率不高')).toBe('negative');
  });
  it('repeated attempts and long waits are negative', () => {
    expect(label('办个证跑了五趟')).toBe('negative');
    expect(label('三个月了还在审核')).toBe('negative');
  });
});

describe('options', () => {
  it('threshold moves the neutral band', () => {
    expect(analyseSentiment('还行', { threshold: 0.9 }).label).toBe('neutral');
    expect(analyseSentiment('还行', { threshold: 0.1 }).label).toBe('positive');
  });
  it('explainSentiment lists the contributions that add up to raw', () => {
    const e = explainSentiment('服务很好，就是排队太久了');
    const sum = e.hits.reduce((s, h) => s + h.value, 0);
    expect(e.raw).toBeCloseTo(sum, 3);
    expect(e.hits.map((h) => h.word)).toEqual(expect.arrayContaining(['好']));
  });
});
