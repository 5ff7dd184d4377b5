import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** A file served as it is, read and compressed once, on first use. */
export class StaticAsset {
  private loaded: { body: Buffer; gzip: Buffer; etag: string } | undefined;

  constructor(
    readonly file: string,
    readonly contentType: string,
  ) {}

  private load(): { body: Buffer; gzip: Buffer; etag: string } {
    if (!this.loaded) {
      const body = readFileSync(this.file);
      this.loaded = { body, gzip: gzipSync(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    return this.loaded;
  }

  /** Answers GET or HEAD: 304 when the client has it, gzip when the client takes it. */
  send(req: IncomingMessage, res: ServerResponse, headers: Record<string, string> = {}): void {
    const { body, gzip, etag } = this.load();
    const common = { ...headers, etag, 'cache-control': 'no-cache', vary: 'accept-encoding' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, common);
      res.end();
      return;
    }
    const zipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const payload = zipped ? gzip : body;
    res.writeHead(200, {
      ...common,
      'content-type': this.contentType,
      'content-length': String(payload.length),
      ...(zipped ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : payload);
  }
}
