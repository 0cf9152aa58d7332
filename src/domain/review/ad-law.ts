/**
 * Advertising-law absolute terms (《广告法》第九条), with context rules that keep ordinary
 * language clean: 最近/最后 are not listed at all; 第一次, 第一季度, 第一书记 … are skipped by
 * what follows; terms inside quotation marks or 《》 (a quoted policy, a title) are skipped;
 * some terms only count before a selling word (国家级品质, 100%有效).
 */
import { sentenceAround, solicitation, type SolicitationMemo } from './context';
import { normaliseForData, type Normalised } from './fold';

export interface AdHit {
  start: number;
  end: number;
  text: string;
  term: string;
  /** Set when the sentence reports on such a claim (号称包治百病, 查处…极限用语): report as info. */
  reported?: string;
}

interface AdTerm {
  term: string;
  /** Skip when the text right after the term matches. */
  skipAfter?: RegExp;
  /** Skip when the text right before the term matches. */
  skipBefore?: RegExp;
  /** Only count when the text after (or, with `needBefore`, before) matches. */
  needAfter?: RegExp;
  needBefore?: RegExp;
  /** Skip in a sentence about an award, a contest or a ranking of people or places (see below). */
  honours?: boolean;
}

const SELLING = /^(?:的)?(?:产品|品质|质量|配方|工艺|品牌|好物|好货|秘方|保健|享受|体验|性价比|服务|口碑|材质|面料|功效|疗效|效果|奢华|美味|口感)/;

const TERMS: AdTerm[] = [
  { term: '最佳', honours: true, skipAfter: /^(?:实践|案例|做法|时机|时间|时期|状态|途径|路径|位置|观赏|赏花|窗口|搭档|组织奖|人气奖|创意奖|风采奖|男|女|影片|导演|编剧|新人|团队奖|论文|答案)/ },
  { term: '最优', skipAfter: /^(?:化|解|营商环境|环境|路径|方案设计)/ },
  { term: '最强', skipAfter: /^(?:大脑|音|战队)/ },
  { term: '最高级', skipAfter: /^别/ },
  { term: '最顶级' },
  { term: '最先进' },
  { term: '最低价' },
  { term: '最便宜' },
  { term: '最受欢迎' },
  { term: '最权威' },
  { term: '最赚钱' },
  { term: '最正宗' },
  { term: '最专业' },
  { term: '全网最低价' },
  { term: '全网最' },
  { term: '史上最' },
  { term: '全国最低' },
  {
    term: '第一',
    honours: true,
    skipBefore: /(?:之|统|唯|第)$/,
    skipAfter:
      /^(?:[0-9〇零一二三四五六七八九十百千万]|次|季|届|批|书记|产业|时间|章|条|节|款|项|天|日|月|周|年|步|线|责任|阶段|期|轮|部|个|位|名|排|课|讲|集|场|站|组|方面|把手|道|关|环|现场|视角|反应|印象|桶金|手|人称|代|作者|完成人|梯队|方阵|层|页|行|段|句|列|号|版|卷|册|单元|篇|首|回|例|要务|动力|资源|审|稿|副|秘书|负责人|生产力|监护人|议题|落点|站|考场|学期|课堂|志愿|时|波|枪|声|眼|感觉|印象|局|盘|棒|小组|中学|小学|医院|人民医院|中心|附属|分)/,
  },
  { term: '国家级', needAfter: SELLING },
  { term: '世界级', needAfter: SELLING },
  { term: '顶级', skipAfter: /^(?:雪道|期刊|学术|会议|学府|专家|科学家|赛事|联赛|球队|选手|域名|高校)/ },
  { term: '顶尖', skipAfter: /^(?:人才|高校|学府|专家|科学家|期刊|学科|赛事|选手|大学|团队|科研)/ },
  { term: '唯一', skipAfter: /^(?:的|性|一|标识|识别|编码|码|确定|途径|出路|办法)/ },
  { term: '首个', skipAfter: /^(?:工作日|交易日|周末|月|年|季度|阶段|星期|小时|节点|批|学期|假期|节日)/ },
  { term: '首家' },
  { term: '首选' },
  { term: '独家', skipAfter: /^(?:报道|专访|采访|首发|对话|新闻|消息|解读|记忆)/ },
  { term: '绝对', needAfter: /^(?:正品|有效|放心|靠谱|划算|超值|低价|实惠|最|好用|安全无|保证|纯正)/ },
  { term: '万能' },
  { term: '极致', needAfter: SELLING },
  { term: '100%', needAfter: /^(?:有效|纯|正品|安全|无|治愈|保证|满意|好评|退款|成功|中奖|回本|保本|收益|赚|天然|放心|真|原装)/ },
  { term: '百分之百', needAfter: /^(?:有效|纯|正品|安全|无|治愈|保证|满意|好评|退款|成功|中奖|回本|保本|收益|赚|天然|放心|真|原装)/ },
  { term: '史无前例' },
  { term: '前无古人' },
  { term: '遥遥领先' },
  { term: '包治百病' },
  { term: '根治', skipBefore: /(?:从|源头上?|系统|标本兼治|综合|彻底|长效|有效)$/ },
  { term: '零风险' },
  { term: '无副作用' },
  { term: '永不反弹' },
  { term: '王牌', needAfter: SELLING },
];

/**
 * The Advertising Law is about promoting goods and services. A sentence about an award or a
 * contest (获得最佳射手称号, 获得团体第一), or a goal or ranking of a place or team (争创全国第一,
 * 位居全省第一), is not an advertisement, unless it also names something sold.
 */
const HONOURS = /获得|荣获|获评|评为|评选|当选|夺得|摘得|斩获|勇夺|授予|颁发|称号|奖|荣誉|冠军|比赛|联赛|锦标赛|运动会|大赛|竞赛|赛季|赛事|决赛|选手|运动员|球员|射手|代表队/;
const RANKING_BEFORE = /(?:争创|争当|争做|争取|力争|保持|位居|位列|名列|排名|排在|稳居|跃居|居于|勇争|争夺)[^，。；！？,;!?\n]{0,10}$/;
/** 第一名 / 第一位 are skipped as ordinals, except in a sentence that sells something (销量全国第一名的空调品牌). */
const RANKING_AFTER = /^(?:名|位)/;
const COMMERCIAL = /产品|品牌|销量|销售|本店|我店|本品|本公司|我公司|我司|厂家|商品|价格|售价|优惠|下单|购买|抢购|门店|专卖|旗舰店|品质|疗效|功效|效果|性价比|口碑|行业/;
/** The sentence reports on such claims (regulators, warnings) rather than making one. */
const REPORTED = /号称|宣称|声称|谎称|所谓|虚假宣传|夸大宣传|极限用语|绝对化用语|违规|违法|查处|处罚|罚款|消费警示|提醒|轻信|谨防|警惕/;

const OPENERS: Record<string, string> = { '“': '”', '「': '」', '『': '』', '《': '》', '"': '"' };

/** True when `pos` lies inside a quotation or a title within its paragraph. */
export function insideQuote(text: string, pos: number): boolean {
  const para = text.lastIndexOf('\n', pos - 1) + 1;
  const stack: string[] = [];
  for (let i = para; i < pos; i++) {
    const c = text[i];
    if (stack.length && c === stack[stack.length - 1]) stack.pop();
    else if (OPENERS[c]) stack.push(OPENERS[c]);
  }
  return stack.length > 0;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ALL = new RegExp(TERMS.map((t) => escape(t.term)).sort((a, b) => b.length - a.length).join('|'), 'g');
const BY_TERM = new Map(TERMS.map((t) => [t.term, t]));

export function findAdLawTerms(text: string, view: Normalised = normaliseForData(text)): AdHit[] {
  const v = view.text;
  const out: AdHit[] = [];
  const memo: SolicitationMemo = new Map();
  ALL.lastIndex = 0;
  for (let m = ALL.exec(v); m; m = ALL.exec(v)) {
    const t = BY_TERM.get(m[0])!;
    const a = m.index;
    const b = a + m[0].length;
    const after = v.slice(b, b + 12);
    const before = v.slice(Math.max(0, a - 6), a);
    if ((t.skipAfter?.test(after) && !(t.honours && RANKING_AFTER.test(after) && COMMERCIAL.test(v.slice(...sentenceAround(v, a, b))))) || t.skipBefore?.test(before)) continue;
    if (t.needAfter && !t.needAfter.test(after)) continue;
    if (t.needBefore && !t.needBefore.test(before)) continue;
    if (insideQuote(v, a)) continue;
    const [sa, sb] = sentenceAround(v, a, b);
    const sentence = v.slice(sa, a) + '\u3000'.repeat(b - a) + v.slice(b, sb);
    if (t.honours && !COMMERCIAL.test(sentence) && (HONOURS.test(sentence) || RANKING_BEFORE.test(v.slice(sa, a)))) continue;
    const start = view.starts[a];
    const end = view.ends[b - 1];
    const hit: AdHit = { start, end, text: text.slice(start, end), term: t.term };
    const reported = REPORTED.exec(sentence);
    if (reported && !solicitation(v, a, b, memo)) hit.reported = reported[0];
    out.push(hit);
  }
  return out;
}
