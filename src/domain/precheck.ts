import type { Finding, Platform, Reviewer, RevisionContent } from './model';
import { PLATFORM_LABELS } from './model';
import { PLATFORM_LIMITS } from './platform-limits';

/** Counts characters as people do (code points, so an emoji counts once). */
const length = (s: string): number => [...s].length;

/** The minimal rule set of the core loop: a title, and title and body lengths per target platform. */
export const minimalReviewer: Reviewer = {
  review(content: RevisionContent, platforms: readonly Platform[]): Finding[] {
    const findings: Finding[] = [];
    if (!content.title.trim()) {
      findings.push({ rule: 'title.required', category: 'format', severity: 'block', field: 'title', start: 0, end: 0, text: '', suggestion: '请填写标题。' });
    }
    for (const platform of platforms) {
      const limits = PLATFORM_LIMITS[platform];
      const label = PLATFORM_LABELS[platform];
      if (limits.titleMax !== null && length(content.title) > limits.titleMax) {
        findings.push({
          rule: 'title.length',
          category: 'format',
          severity: 'block',
          field: 'title',
          start: 0,
          end: content.title.length,
          text: content.title,
          suggestion: `${label}标题最多 ${limits.titleMax} 字，现为 ${length(content.title)} 字，请精简。`,
          platform,
        });
      }
      if (length(content.body) > limits.bodyMax) {
        findings.push({
          rule: 'body.length',
          category: 'format',
          severity: platform === 'weibo' ? 'warn' : 'block',
          field: 'body',
          start: 0,
          end: content.body.length,
          text: content.body.slice(0, 20),
          suggestion:
            platform === 'weibo'
              ? `微博正文超过 ${limits.bodyMax} 字（现为 ${length(content.body)} 字），发布时将截断并附全文链接。`
              : `${label}正文最多 ${limits.bodyMax} 字，现为 ${length(content.body)} 字。`,
          platform,
        });
      }
      if (limits.needsMedia && !content.media.some((m) => m.kind === 'image' || m.kind === 'video')) {
        findings.push({
          rule: 'media.required',
          category: 'format',
          severity: 'warn',
          field: 'body',
          start: 0,
          end: 0,
          text: '',
          suggestion: `${label}需要图片或视频，本稿没有，将转为人工发布或请补充素材。`,
          platform,
        });
      }
    }
    return findings;
  },
};

export const hasBlocking = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'block');
