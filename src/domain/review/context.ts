/**
 * Context rules: does the sentence around a hit *report on*, *prevent* or *depict* the act
 * rather than promote it? News about a court verdict (法院以传销罪判处…), an anti-fraud campaign
 * (开展洗钱风险防控培训), a film or a museum exhibit (电影中的杀人场景, 清代赌场遗址) names the thing
 * without doing it. Such hits are kept as `info` (a person still sees them) instead of `block`.
 *
 * A solicitation anywhere in the paragraph (加微信, 联系我, 进群, 出售, 日结, 手把手 …) cancels the
 * context: real spam often borrows a cue word (内部培训：手把手教你做资金盘).
 *
 * Sentences end at 。！？!?；; and line breaks; the cue may stand before or after the hit.
 */

export type ContextKind = 'report' | 'prevention' | 'depiction';

export interface HitContext {
  kind: ContextKind;
  /** The cue word found in the sentence. */
  cue: string;
}

/** Law enforcement, courts, discipline bodies, crime news, reports of abuse (辱骂他人…). */
const REPORT =
  /警方|公安|民警|派出所|刑警|法院|检察|公诉|判处|判决|宣判|审理|庭审|被告|嫌疑人|嫌犯|抓获|落网|刑拘|刑事拘留|逮捕|立案|侦破|破获|查处|查获|捣毁|打掉|打击|通报|案件|涉案|纪委|监委|监察机关|开除党籍|移送司法|犯罪|罪名|辱骂|谩骂|(?<!不|不算|没有|并不)违法|涉嫌|整治|取缔|严惩|依法|刑法|治安管理处罚/;
/** Prevention, warnings, education, drills. */
const PREVENTION =
  /防控|防范|预防|防止|反诈|宣传|培训|讲座|讲解|科普|提醒|提示|识别|识破|谨防|警惕|远离|切勿|请勿|不要轻信|不要相信|不要参与|轻信|拒绝|抵制|揭露|揭示|危害|骗局|骗术|陷阱|警示|教育|演练|处置|解救|举报|上当|受骗|被骗/;
/** Fiction, reviews, history, exhibits, games. */
const DEPICTION =
  /电影|影片|该片|片中|本片|剧中|本剧|该剧|电视剧|话剧|戏剧|舞台剧|纪录片|动画片|小说|书中|本书|该书|作品|剧情|情节|故事|镜头|场景|角色|技能|特效|电竞|关卡|历史|史料|遗址|遗迹|文物|展出|展览|展馆|展品|展柜|陈列|考古|博物馆|纪念馆|古代|古人|清代|明代|宋代|唐代|汉代|民国|旧社会|抗战|抗日|侵华|民俗|传统习俗/;
/** Selling or recruiting: cancels any context in the same paragraph. */
const SOLICIT =
  /加微信|加v|加我|加群|进群|入群|拉群|联系我|私聊|私信我|扫码|招代理|做代理|代理加盟|招募|日结|日赚|月入|秒到|秒下款|返水|彩金|出售|售卖|有偿|手把手|教程|包教|速来|欢迎来|官网|网址|vx|wx|qq|微信号/i;

const SENTENCE_END = new Set([...'。！？!?；;\n'].map((c) => c.charCodeAt(0)));

/** Bounds of the sentence holding [start, end). */
export function sentenceAround(text: string, start: number, end: number): [number, number] {
  let a = start;
  while (a > 0 && !SENTENCE_END.has(text.charCodeAt(a - 1))) a--;
  let b = end;
  while (b < text.length && !SENTENCE_END.has(text.charCodeAt(b))) b++;
  return [a, b];
}

/** Bounds of the paragraph (line) holding [start, end). */
export function paragraphAround(text: string, start: number, end: number): [number, number] {
  const a = text.lastIndexOf('\n', start - 1) + 1;
  const nl = text.indexOf('\n', end);
  return [a, nl < 0 ? text.length : nl];
}

/** Per-text memo of solicitation results, keyed by paragraph start (pass one per text scanned). */
export type SolicitationMemo = Map<number, string | null>;

/** A solicitation in the paragraph around [start, end), or null. */
export function solicitation(text: string, start: number, end: number, memo?: SolicitationMemo): string | null {
  const [a, b] = paragraphAround(text, start, end);
  const known = memo?.get(a);
  if (known !== undefined) return known;
  const m = SOLICIT.exec(text.slice(a, b));
  const r = m ? m[0] : null;
  memo?.set(a, r);
  return r;
}

const firstCue = (re: RegExp, before: string, after: string): string | null => re.exec(before)?.[0] ?? re.exec(after)?.[0] ?? null;

/**
 * The reporting, prevention or depiction context of the hit [start, end), or null when there is
 * none or when the paragraph solicits. Cues are looked for in the sentence before and after the
 * hit (a cue inside the term does not count).
 */
export function hitContext(text: string, start: number, end: number, memo?: SolicitationMemo): HitContext | null {
  const [a, b] = sentenceAround(text, start, end);
  const before = text.slice(a, start);
  const after = text.slice(end, b);
  let kind: ContextKind = 'report';
  let cue = firstCue(REPORT, before, after);
  if (cue === null) {
    kind = 'prevention';
    cue = firstCue(PREVENTION, before, after);
  }
  if (cue === null) {
    kind = 'depiction';
    cue = firstCue(DEPICTION, before, after);
  }
  if (cue === null || solicitation(text, start, end, memo)) return null;
  return { kind, cue };
}

export const CONTEXT_NOTES: Record<ContextKind, string> = {
  report: '上下文为执法、司法或案件通报',
  prevention: '上下文为防范、提醒或宣传教育',
  depiction: '上下文为影视、文学、历史或展览叙述',
};
