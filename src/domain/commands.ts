import { ROLES, type Role } from './model';
import { SUBMIT_PREFIX } from './submission';

/** What a person asked for in a chat message. */
export type Command =
  | { name: 'submit'; text: string }
  | { name: 'new' }
  | { name: 'revise'; no: number; text: string }
  | { name: 'status'; no: number }
  | { name: 'mine' }
  | { name: 'withdraw'; no: number }
  | { name: 'schedule'; no: number; time: string }
  | { name: 'cancel'; no: number }
  | { name: 'retry'; no: number }
  | { name: 'takedown'; no: number }
  | { name: 'bind' }
  | { name: 'role'; role: Role }
  | { name: 'words'; op: 'add'; category: string; word: string }
  | { name: 'words'; op: 'allow'; word: string }
  | { name: 'words'; op: 'list'; category: string }
  | { name: 'help'; reason?: string };

const NO = '#?(\\d{1,9})';
const patterns: [RegExp, (m: RegExpExecArray) => Command][] = [
  [/^\/new\s*$/i, () => ({ name: 'new' })],
  [new RegExp(`^\\/revise\\s+${NO}\\s*([\\s\\S]*)$`, 'i'), (m) => ({ name: 'revise', no: Number(m[1]), text: m[2] })],
  [new RegExp(`^\\/status\\s+${NO}\\s*$`, 'i'), (m) => ({ name: 'status', no: Number(m[1]) })],
  [/^\/mine\s*$/i, () => ({ name: 'mine' })],
  [new RegExp(`^\\/withdraw\\s+${NO}\\s*$`, 'i'), (m) => ({ name: 'withdraw', no: Number(m[1]) })],
  [new RegExp(`^\\/schedule\\s+${NO}\\s+(.+)$`, 'i'), (m) => ({ name: 'schedule', no: Number(m[1]), time: m[2].trim() })],
  [new RegExp(`^\\/cancel\\s+${NO}\\s*$`, 'i'), (m) => ({ name: 'cancel', no: Number(m[1]) })],
  [new RegExp(`^\\/retry\\s+${NO}\\s*$`, 'i'), (m) => ({ name: 'retry', no: Number(m[1]) })],
  [new RegExp(`^\\/takedown\\s+${NO}\\s*$`, 'i'), (m) => ({ name: 'takedown', no: Number(m[1]) })],
  [/^\/bind\s*$/i, () => ({ name: 'bind' })],
  [/^\/words\s+add\s+(\S+)\s+(.+)$/i, (m) => ({ name: 'words', op: 'add', category: m[1], word: m[2].trim() })],
  [/^\/words\s+allow\s+(.+)$/i, (m) => ({ name: 'words', op: 'allow', word: m[1].trim() })],
  [/^\/words\s+list\s+(\S+)\s*$/i, (m) => ({ name: 'words', op: 'list', category: m[1] })],
  [/^\/help\s*$|^帮助$/i, () => ({ name: 'help' })],
];

/** Parses a message's text (mentions of the bot already removed). Unknown input is a `help` command. */
export function parseCommand(text: string): Command {
  const t = text.trim();
  if (SUBMIT_PREFIX.test(t)) return { name: 'submit', text: t };
  const role = /^\/role\s+@\S+(?:\s+@\S+)*\s+(\S+)\s*$/i.exec(t);
  if (role) {
    const r = role[1].toLowerCase();
    if ((ROLES as readonly string[]).includes(r)) return { name: 'role', role: r as Role };
    return { name: 'help', reason: `不认识的角色「${role[1]}」，可选：${ROLES.join('、')}。` };
  }
  for (const [re, make] of patterns) {
    const m = re.exec(t);
    if (m) return make(m);
  }
  if (t.startsWith('/')) return { name: 'help', reason: `不认识的命令「${t.split(/\s/)[0]}」，或缺少稿件编号。` };
  return { name: 'help' };
}

export const HELP_TEXT = [
  '**投稿**：发送「投稿」，下一行写标题，再换行写正文；可选行：',
  '`分类：工作动态` `平台：公众号、微博` `发布时间：2026-12-01 09:00`（或「立即」）',
  '也可以发一条带标题的富文本消息，或发送 /new 填写表单。',
  '**查询**：/status 编号　/mine　**撤回**：/withdraw 编号　**修改**：/revise 编号 + 换行后的新稿件',
  '**排期**（成员、组长）：/schedule 编号 时间　/cancel 编号　/retry 编号',
  '**管理**（组长）：/bind 把本群设为工作群　/role @某人 liaison|editor|deputy|leader　/takedown 编号 撤下已发布内容',
  '**词库**（组长）：/words add 类别 词语　/words allow 词语　/words list 类别',
  '**周报**（成员、副组长、组长）：/digest 查看近 7 天的发布数据、反馈、待审批、排期、投稿节奏和整改事项',
  '**反馈**：/feedback 编号 反馈内容（记录读者意见，个人信息自动隐去）；也可以直接回复「已发布」通知',
].join('\n');
