import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMediaFetcher, sniffImageType } from '../../src/media-fetcher';
import { PublishError } from '../../src/ports/publisher';

describe('media fetcher', () => {
  let base = '';
  let bodiesSent = 0;
  const server = createServer((req, res) => {
    if (req.url === '/big.mp4') {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(50 * 1024 * 1024) });
      bodiesSent++;
      res.write(Buffer.alloc(1024));
      return; // never finishes: a download would hang
    }
    if (req.url === '/small.png') {
      const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) }).end(png);
      return;
    }
    res.writeHead(503).end();
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const fetchMedia = createMediaFetcher(() => undefined, 5_000);

  it('refuses a file larger than the platform takes without downloading it', async () => {
    const err = await fetchMedia({ kind: 'video', key: `${base}/big.mp4` }, { maxBytes: 10 * 1024 * 1024 }).catch((e) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('50.0 MB');
    expect(bodiesSent).toBe(1);
  });

  it('downloads a small file and reports server errors as retryable', async () => {
    const file = await fetchMedia({ kind: 'image', key: `${base}/small.png` }, { maxBytes: 1024 });
    expect(file).toMatchObject({ contentType: 'image/png', name: 'small.png' });
    expect(sniffImageType(file.bytes)).toBe('image/png');
    const err = await fetchMedia({ kind: 'image', key: `${base}/missing.png` }).catch((e) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err.retryable).toBe(true);
  });

  it('cannot fetch a bare key without the Feishu message it came with', async () => {
    await expect(fetchMedia({ kind: 'image', key: 'img_v3_abc' })).rejects.toThrow('无法获取');
  });
});
