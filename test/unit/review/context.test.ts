import { createReviewEngine, hitContext, sentenceAround, solicitation } from '../../../src/domain/review';

const engine = createReviewEngine({
  lexicons: {
    gambling: ['赌博', '赌场', '百家乐'],
    fraud: ['洗钱', '传销', '冒充公检法', '资金盘', '杀猪盘', '刷单返利'],
    violence: ['杀人', '持刀行凶'],
    superstition: ['开光', '算命'],
    insult: ['脑残'],
    confidential: ['绝密'],
  },
});
/** Severity of the lexicon findings of a text. */
const sev = (text: string) => engine.reviewText(text).filter((f) => f.rule.startsWith('lexicon.')).map((f) => f.severity);

describe('context rules: reporting, prevention and depiction are info', () => {
  it.each([
    ['report', '法院以组织、领导传销活动罪判处被告人有期徒刑五年。'],
    ['report', '诈骗分子冒充公检法实施诈骗，已被警方抓获。'],
    ['report', '一男子持刀行凶，目前已被警方刑事拘留。'],
    ['report', '网络主播因在直播中辱骂他人脑残，被平台封禁。'],
    ['prevention', '金融机构开展洗钱风险防控培训。'],
    ['prevention', '银行提醒客户，不要轻信刷单返利。'],
    ['depiction', '电影中的杀人场景经过了艺术处理。'],
    ['depiction', '博物馆展出了清代赌场遗址的考古发现。'],
    ['depiction', '这款网络游戏的开光特效做得很漂亮。'],
    ['depiction', '小说以民国时期的上海为背景，描写了赌场老板的兴衰沉浮。'],
  ])('%s: %s', (kind, text) => {
    expect(sev(text)).toEqual([expect.stringMatching(/^info$/)]);
    const f = engine.reviewText(text).find((x) => x.rule.startsWith('lexicon.'))!;
    expect(hitContext(text, f.start, f.end)?.kind).toBe(kind);
    expect(f.suggestion).toMatch(/上下文为/);
  });

  it('keeps promotion and plain mentions at their category severity', () => {
    expect(sev('百家乐在线，注册就玩。')).toEqual(['block']);
    expect(sev('带你体验开光仪式。')).toEqual(['warn']);
    expect(sev('他说要杀人。')).toEqual(['block']);
  });

  it('a solicitation in the paragraph cancels the context (spam borrowing a cue word)', () => {
    expect(sev('内部培训：手把手教你做资金盘，躺赚月入十万。')).toEqual(['block']);
    expect(sev('警方都查不到的洗钱渠道，联系我')).toEqual(['block']);
    expect(sev('杀·猪·盘话术培训资料出售')).toEqual(['block']);
    expect(sev('严禁赌博！加微信进群')).toEqual(['block']);
    expect(solicitation('请加微信详聊', 0, 1)).toBe('加微信');
    expect(solicitation('第一段加微信\n第二段', 7, 8)).toBeNull();
  });

  it('looks only inside the sentence of the hit, and a cue inside the term does not count', () => {
    expect(sentenceAround('前一句。警方通报赌博案件！后一句', 8, 10)).toEqual([4, 12]);
    expect(sev('警方今天发布通报。赌博网站已上线')).toEqual(['block']);
    expect(sev('网上赌博不违法，放心玩')).toEqual(['block']);
  });

  it('never downgrades confidentiality markings', () => {
    expect(sev('法院【绝密】文件')).toEqual(['block']);
  });
});
