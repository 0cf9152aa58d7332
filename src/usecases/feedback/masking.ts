import { analyseSentiment, detectFlags } from '../../domain/feedback';
import { applyReplacements, findPersonalData } from '../../domain/review';

/**
 * A Chinese name right after a cue such as 我叫, 姓名：, 联系人 (two or three Han characters):
 * the surname stays, the rest becomes `*` (张三 → 张*, 欧阳娜娜 is cut to 欧阳娜 → 欧**).
 */
const NAME_AFTER_CUE = /(我叫|名叫|我的名字是|我的名字叫|姓名|联系人|署名|落款)([:：]?\s*)(\p{Script=Han}{2,3})/gu;
const NOT_A_NAME = /^(是|不|没|在|的|了|和|与|及|请|电话|手机|方式)/u;

export function maskNames(text: string): string {
  return text.replace(NAME_AFTER_CUE, (whole, cue: string, sep: string, name: string) => {
    if (NOT_A_NAME.test(name)) return whole;
    const chars = [...name];
    return `${cue}${sep}${chars[0]}${'*'.repeat(chars.length - 1)}`;
  });
}

/**
 * Masks personal data: the review engine's findings (validated phone, ID, bank card numbers, …)
 * with every letter and digit of the span starred — feedback is shown to a group, nobody needs part
 * of the number — then names after cues.
 */
export function maskFeedbackText(text: string): string {
  const findings = findPersonalData(text).map((f) => ({ ...f, replacement: f.text.replace(/[\p{L}\p{N}]/gu, '*') }));
  return maskNames(applyReplacements(text, findings));
}

/** The stored form of one feedback text: masked, with its sentiment and flag kinds. */
export function analyseFeedbackText(raw: string): { text: string; sentiment: string; score: number; flags: string[]; masked: boolean } {
  const text = maskFeedbackText(raw.trim());
  const s = analyseSentiment(text);
  const flags = [...new Set(detectFlags(text).map((f) => f.kind))];
  return { text, sentiment: s.label, score: Math.round(s.score * 1000) / 1000, flags, masked: text !== raw.trim() };
}
