import type { FeishuChannel } from './channels/feishu';
import type { MediaRef } from './domain/model';
import { PublishError } from './ports/publisher';
import type { FetchMedia, MediaFile } from './publishers/http';

/** The image type from its first bytes (Feishu resources come without a reliable content type). */
export function sniffImageType(bytes: Buffer): string {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif';
  return 'application/octet-stream';
}

const mb = (n: number) => (n / 1048576).toFixed(1);

/**
 * Media of a draft for the publishers: a URL is downloaded (refused before downloading when it is
 * larger than the platform takes), a Feishu image key is fetched through the message it came with.
 */
export function createMediaFetcher(feishu: () => FeishuChannel | undefined, timeoutMs = 120_000): FetchMedia {
  return async (ref: MediaRef, opts: { maxBytes?: number } = {}): Promise<MediaFile> => {
    if (/^https?:\/\//.test(ref.key)) {
      const res = await fetch(ref.key, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new PublishError(`素材下载失败：HTTP ${res.status}`, res.status >= 500, `media_http_${res.status}`);
      const name = ref.name ?? ref.key.split('/').pop() ?? 'media';
      const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
      const declared = Number(res.headers.get('content-length'));
      if (opts.maxBytes && declared > opts.maxBytes) {
        await res.body?.cancel();
        throw new PublishError(`素材「${name}」${mb(declared)} MB，超过平台上限 ${mb(opts.maxBytes)} MB，请人工发布`, false, 'media_too_large');
      }
      return { bytes: Buffer.from(await res.arrayBuffer()), contentType, name };
    }
    const channel = feishu();
    if (channel && ref.source) {
      const bytes = await channel.fetchResource(ref.source, ref.key, ref.kind === 'image' ? 'image' : 'file');
      const contentType = sniffImageType(bytes);
      return { bytes, contentType, name: ref.name ?? `${ref.key}.${contentType.split('/')[1]}` };
    }
    throw new PublishError(`素材 ${ref.key} 无法获取（不是链接，也不是飞书消息中的图片）`, false, 'media_unavailable');
  };
}
