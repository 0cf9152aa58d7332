import type { Platform } from './model';

/** Limits per platform, read by the pre-check and by the publishers (one table, see PLATFORMS.md). */
export interface PlatformLimits {
  titleMax: number | null;
  titleRequired: boolean;
  digestMax: number | null;
  bodyMax: number;
  imagesMax: number;
  imageBytesMax: number;
  videosMax: number;
  needsMedia: boolean;
  /** How text length is counted: code points, or Weibo's rule (two ASCII characters count as one). */
  lengthUnit?: 'char' | 'weibo';
  /** Most links allowed in the body (null: no limit). Configurable assumption, see docs/review-engine.md. */
  linksMax?: number | null;
  /** Most hashtags allowed (null: no limit). Configurable assumption. */
  hashtagsMax?: number | null;
  /** Hashtag syntax of the platform: `#话题#` (Weibo) or `#话题` (Douyin, Kuaishou); null when not used. */
  hashtagStyle?: 'paired' | 'prefix' | null;
  /** The platform needs a cover image (WeChat: unless a default cover material is configured; Kuaishou: photo/publish `cover`). */
  coverRequired?: boolean;
  /** The open API publishes videos only; image-only drafts need the manual path (Kuaishou). */
  videoOnly?: boolean;
  /** The text must carry a link on the app's bound safe domain (Weibo statuses/share); the publisher appends WEIBO_LINK_URL when configured. */
  linkRequired?: boolean;
  /** Image types the platform takes for body images (MIME). */
  imageTypes?: string[];
  /** Largest video sent in one upload request; larger ones need the manual path. */
  videoBytesMax?: number;
}

export const PLATFORM_LIMITS: Record<Platform, PlatformLimits> = {
  wechat: { titleMax: 32, titleRequired: true, digestMax: 128, bodyMax: 20000, imagesMax: 100, imageBytesMax: 1024 * 1024, videosMax: 0, needsMedia: false, lengthUnit: 'char', linksMax: null, hashtagsMax: null, hashtagStyle: null, coverRequired: true, imageTypes: ['image/jpeg', 'image/png'] },
  weibo: { titleMax: null, titleRequired: false, digestMax: null, bodyMax: 140, imagesMax: 1, imageBytesMax: 5 * 1024 * 1024, videosMax: 0, needsMedia: false, lengthUnit: 'weibo', linksMax: 1, hashtagsMax: 3, hashtagStyle: 'paired', linkRequired: true, imageTypes: ['image/jpeg', 'image/png', 'image/gif'] },
  douyin: { titleMax: 55, titleRequired: false, digestMax: null, bodyMax: 1000, imagesMax: 35, imageBytesMax: 20 * 1024 * 1024, videosMax: 1, needsMedia: true, lengthUnit: 'char', linksMax: 0, hashtagsMax: 5, hashtagStyle: 'prefix', videoBytesMax: 128 * 1024 * 1024 },
  kuaishou: { titleMax: 55, titleRequired: false, digestMax: null, bodyMax: 500, imagesMax: 31, imageBytesMax: 20 * 1024 * 1024, videosMax: 1, needsMedia: true, lengthUnit: 'char', linksMax: 0, hashtagsMax: 5, hashtagStyle: 'prefix', coverRequired: true, videoOnly: true, videoBytesMax: 4 * 1024 * 1024 * 1024 },
};
