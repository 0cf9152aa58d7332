/** Shared vocabulary of the domain: platforms, roles, categories, findings. */

export const PLATFORMS = ['wechat', 'weibo', 'douyin', 'kuaishou'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PLATFORM_LABELS: Record<Platform, string> = {
  wechat: '公众号',
  weibo: '微博',
  douyin: '抖音',
  kuaishou: '快手',
};

export const ROLES = ['leader', 'deputy', 'editor', 'liaison'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  leader: '组长',
  deputy: '副组长',
  editor: '成员',
  liaison: '部门信息员',
};

/** The policy's categories of information (第七条 信息采集). */
export const CATEGORIES = ['政策法规解读', '单位新闻动态', '工作动态', '行业资讯', '科普知识', '文化活动', '其他'] as const;
export type Category = (typeof CATEGORIES)[number];

export type Severity = 'block' | 'warn' | 'info';

/** One thing the pre-check found. `start`/`end` are UTF-16 offsets into `field`'s original text. */
export interface Finding {
  rule: string;
  category: string;
  severity: Severity;
  field: 'title' | 'body';
  start: number;
  end: number;
  text: string;
  suggestion: string;
  replacement?: string;
  /** Target platform the finding applies to, when it is platform-specific. */
  platform?: Platform;
}

/** An image or file kept with a revision (Feishu image_key, or a URL). */
export interface MediaRef {
  kind: 'image' | 'video' | 'file';
  key: string;
  name?: string;
  /** The chat message the media came with (a Feishu image key is fetched through its message). */
  source?: string;
}

export interface RevisionContent {
  title: string;
  body: string;
  media: MediaRef[];
}

/** Reviews one revision for its target platforms. Implementations: the minimal rule set, the full engine. */
export interface Reviewer {
  review(content: RevisionContent, platforms: readonly Platform[]): Finding[];
}
