/**
 * Figures of Kuaishou videos: `GET /openapi/photo/info?app_id&access_token&photo_id` (views,
 * likes, comment count). Kuaishou offers no public comment API, so no comments are collected.
 */
import { FeedbackSourceError, type CommentPage, type FeedbackPost, type FeedbackSource, type PostFigures } from '../ports/feedback';
import { SourceHttp, count, field } from './http';

export interface KuaishouSourceOptions {
  appId: string;
  accessToken: string;
  baseUrl: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

const RETRYABLE = new Set([100200429, 100200500]);
const REASONS: Record<number, string> = {
  100200101: '快手访问令牌无效，需要重新授权',
  100200103: '快手访问令牌已过期，需要重新授权',
  100200429: '快手接口调用太频繁',
};

export class KuaishouFeedbackSource implements FeedbackSource {
  readonly name = 'kuaishou';
  readonly hasComments = false;
  private readonly base: string;
  private readonly http: SourceHttp;

  constructor(private readonly options: KuaishouSourceOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.http = new SourceHttp({ label: '快手', timeoutMs: options.timeoutMs, fetchImpl: options.fetchImpl });
  }

  supports(post: FeedbackPost): boolean {
    return !!post.externalId;
  }

  async fetchComments(_post: FeedbackPost, cursor: string | null): Promise<CommentPage> {
    return { items: [], nextCursor: cursor, done: true };
  }

  async fetchStats(post: FeedbackPost): Promise<PostFigures | null> {
    if (!post.externalId) return null;
    const res = await this.http.request({
      method: 'GET',
      url: `${this.base}/openapi/photo/info`,
      query: { app_id: this.options.appId, access_token: this.options.accessToken, photo_id: post.externalId },
    });
    const result = Number(field(res.body, 'result'));
    if (result !== 1) {
      const msg = REASONS[result] ?? `快手接口错误：${String(field(res.body, 'error_msg') ?? '未说明原因')}`;
      throw new FeedbackSourceError(`${msg}（result=${result}）`, RETRYABLE.has(result), String(result));
    }
    const info = field(res.body, 'video_info');
    if (!info || typeof info !== 'object') return null;
    return { reads: count(field(info, 'view_count')), likes: count(field(info, 'like_count')), comments: count(field(info, 'comment_count')) };
  }
}
