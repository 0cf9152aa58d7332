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
}

export const PLATFORM_LIMITS: Record<Platform, PlatformLimits> = {
  wechat: { titleMax: 32, titleRequired: true, digestMax: 128, bodyMax: 20000, imagesMax: 100, imageBytesMax: 1024 * 1024, videosMax: 0, needsMedia: false },
  weibo: { titleMax: null, titleRequired: false, digestMax: null, bodyMax: 140, imagesMax: 1, imageBytesMax: 5 * 1024 * 1024, videosMax: 0, needsMedia: false },
  douyin: { titleMax: 55, titleRequired: false, digestMax: null, bodyMax: 1000, imagesMax: 35, imageBytesMax: 20 * 1024 * 1024, videosMax: 1, needsMedia: true },
  kuaishou: { titleMax: 55, titleRequired: false, digestMax: null, bodyMax: 500, imagesMax: 31, imageBytesMax: 20 * 1024 * 1024, videosMax: 1, needsMedia: true },
};
