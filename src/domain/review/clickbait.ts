/**
 * Exaggerated titles (标题党): shock words, urgency bait, excessive punctuation, and titles that
 * promise what the body does not contain (附名单 with no list, 附视频 with no video, …).
 */
import type { Finding, MediaRef, Severity } from '../model';

/** A finding before the engine adds its category (always `clickbait`). */
export type ClickbaitHit = Omit<Finding, 'category' | 'platform'>;

const SHOCK = /震惊|惊呆|吓[死哭傻]|惊爆|炸裂|疯传|万万没想到|不看后悔|看哭了|太可怕了|细思极恐|99%的人|绝大多数人都不知道|后果很严重|惊天|逆天|毁三观|颠覆认知|竟然|居然/g;
const URGENCY = /速看|速转|快看|必看|赶紧|紧急扩散|扩散周知|转疯了|马上删|即将删除|删前|看完马上|千万别|千万不要|一定要看|不转不是/g;
const SOFT = /重磅|刚刚/g;
const PUNCT = /[!！?？]{2,}|[。.]{3,}|…{3,}/g;

const PROMISES: Array<{ re: RegExp; what: string; satisfied: (body: string, media: readonly MediaRef[]) => boolean }> = [
  { re: /附(?:全部|完整)?名单|名单来了|名单公布|名单出炉/, what: '名单', satisfied: (b) => /名单/.test(b) && b.split('\n').filter((l) => l.trim()).length >= 4 },
  { re: /附(?:全文|原文)|全文来了|(?:\(|（)全文(?:\)|）)/, what: '全文', satisfied: (b) => b.length >= 300 },
  { re: /附(?:链接|入口|下载|报名方式|申报入口)/, what: '链接或入口', satisfied: (b) => /https?:\/\/|www\.|二维码|小程序|阅读原文/.test(b) },
  { re: /附视频|视频来了|(?:\(|（|【)视频(?:\)|）|】)/, what: '视频', satisfied: (_b, m) => m.some((x) => x.kind === 'video') },
  { re: /附图|组图|(?:\(|（|【)图(?:\)|）|】)|图集/, what: '图片', satisfied: (_b, m) => m.some((x) => x.kind === 'image') },
  { re: /附(?:详细)?(?:攻略|指南|清单|时间表)/, what: '攻略或清单', satisfied: (b) => b.split('\n').filter((l) => l.trim()).length >= 4 },
];

function scan(re: RegExp, text: string, field: 'title' | 'body', rule: string, severity: Severity, suggestion: (m: string) => string, out: ClickbaitHit[]) {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ rule, severity, field, start: m.index, end: m.index + m[0].length, text: m[0], suggestion: suggestion(m[0]) });
  }
}

export function findClickbait(title: string, body: string, media: readonly MediaRef[]): ClickbaitHit[] {
  const out: ClickbaitHit[] = [];
  scan(SHOCK, title, 'title', 'clickbait.shock', 'warn', (m) => `标题使用夸张耸动词「${m}」，建议如实概括内容`, out);
  scan(URGENCY, title, 'title', 'clickbait.urgency', 'warn', (m) => `标题使用催促转发类用语「${m}」，政务新媒体不宜使用`, out);
  scan(SOFT, title, 'title', 'clickbait.soft', 'info', (m) => `标题中的「${m}」易显夸张，请确认确属重大或最新消息`, out);
  PUNCT.lastIndex = 0;
  for (let m = PUNCT.exec(title); m; m = PUNCT.exec(title)) {
    const first = m[0][0];
    out.push({
      rule: 'clickbait.punctuation',
      severity: 'warn',
      field: 'title',
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      suggestion: '标题标点连用，建议只保留一个',
      replacement: first === '.' ? '。' : first === '…' ? '……' : first,
    });
  }
  for (const p of PROMISES) {
    const m = p.re.exec(title);
    if (m && !p.satisfied(body, media)) {
      out.push({
        rule: 'clickbait.promise',
        severity: 'warn',
        field: 'title',
        start: m.index,
        end: m.index + m[0].length,
        text: m[0],
        suggestion: `标题承诺了${p.what}，但正文或附件中没有找到，请补充或修改标题`,
      });
    }
  }
  return out;
}
