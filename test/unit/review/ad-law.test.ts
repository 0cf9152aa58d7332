import { createReviewEngine, findAdLawTerms } from '../../../src/domain/review';

const terms = (t: string) => findAdLawTerms(t).map((h) => h.text);

describe('advertising-law absolute terms', () => {
  it.each([
    ['本产品是行业第一品牌', ['第一']],
    ['全网最低价，错过不再', ['全网最低价']],
    ['国家级品质，值得信赖', ['国家级']],
    ['顶级配置，唯一指定用品', ['顶级', '唯一']],
    ['全国首家，首选好物', ['首家', '首选']],
    ['１００％有效，无副作用', ['１００％', '无副作用']],
    ['绝对正品，假一赔十', ['绝对']],
    ['本店最佳效果保证', ['最佳']],
  ])('flags %s', (text, expected) => {
    expect(terms(text)).toEqual(expected);
  });

  it.each([
    '最近，我市召开第一次全体会议',
    '最后一公里问题得到解决',
    '第一季度经济运行平稳',
    '驻村第一书记深入田间地头',
    '第一时间赶赴现场',
    '他说：“唯一的办法是坚持改革。”',
    '《关于唯一性认定的通知》',
    '唯一的办法就是实干',
    '该县入选国家级非物质文化遗产名录',
    '国家级经济技术开发区建设提速',
    '最高人民法院发布典型案例',
    '覆盖率达到100%',
    '坚持党的绝对领导',
    '追求极致',
    '本次活动的最佳实践案例',
    '这是全年首个工作日',
    '新华社独家专访',
    '入选世界级文化遗产',
    '从源头上根治欠薪问题',
    '第一百零一条规定',
    '第一产业增加值同比增长',
  ])('keeps ordinary language clean: %s', (text) => {
    expect(terms(text)).toEqual([]);
  });

  it('returns spans on the original text', () => {
    const text = '我们是行业第一！';
    const [h] = findAdLawTerms(text);
    expect(text.slice(h.start, h.end)).toBe('第一');
  });
});

describe('advertising-law context: awards, contests, rankings and reported claims', () => {
  const hits = (t: string) => findAdLawTerms(t);

  it.each([
    '本次比赛中他获得了最佳射手称号。',
    '他被评为本赛季联赛最佳球员。',
    '我市射击队获得团体第一。',
    '我们要打造一流营商环境，争创全国第一。',
    '我县粮食单产连续三年位居全省第一。',
    '滑雪场顶级雪道今日开放。',
    '气象部门启动防汛最高级别应急响应。',
    '我校学生荣获第一名。',
  ])('skips %s', (text) => {
    expect(hits(text)).toEqual([]);
  });

  it.each([
    ['本产品全国销量第一，品质有保障。', '第一'],
    ['销量连续十年全国第一名的空调品牌', '第一'],
    ['获得最佳口感奖的牛奶，现在下单立减20元', '最佳'],
    ['纯中药配方，最佳疗效，无副作用。', '最佳'],
    ['顶级品质，源自新西兰牧场。', '顶级'],
    ['祛斑霜100%有效，无效退款。', '100%'],
    ['力争成为行业第一品牌', '第一'],
  ])('keeps the claim in %s', (text, term) => {
    expect(hits(text).map((h) => h.term)).toContain(term);
    expect(hits(text).every((h) => !h.reported)).toBe(true);
  });

  it('marks claims the sentence reports on (号称, 查处 …) unless the paragraph sells', () => {
    expect(hits('中医专家提醒，市面上号称包治百病的保健品不可轻信。').map((h) => [h.term, h.reported])).toEqual([['包治百病', '提醒']]);
    expect(hits('号称包治百病，加微信购买').map((h) => h.reported)).toEqual([undefined]);
    const engine = createReviewEngine({ lexicons: {} });
    expect(engine.reviewText('市场监管部门查处一起宣称产品100%有效的案件。').filter((f) => f.category === 'ad-law').map((f) => f.severity)).toEqual(['info']);
  });
});
