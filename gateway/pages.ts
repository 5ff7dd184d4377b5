import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { today } from '../subgraphs/kit/clock.js';
import { sendJson } from '../subgraphs/kit/http.js';
import { certificatePage, dashboardPage, publicListsPage } from './page-shells.js';
import type { SourceAvailability } from './source-availability.js';
import { StaticAsset } from './static-assets.js';
import { LimitStoreUnavailableError } from './rate-limiter.js';

const require = createRequire(import.meta.url);
const STATIC_DIR = path.resolve(import.meta.dirname, 'static');
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Apache ECharts' prebuilt browser bundle, from node_modules (no build step, no CDN), and the pages' own files. */
const ASSETS = new Map<string, StaticAsset>([
  ['echarts.min.js', new StaticAsset(path.join(path.dirname(require.resolve('echarts/package.json')), 'dist/echarts.min.js'), JS)],
  ...['key-entry.js', 'dashboard.js', 'certificate.js', 'public-lists.js'].map((f) => [f, new StaticAsset(path.join(STATIC_DIR, f), JS)] as const),
  ...['pages.css', 'certificate.css'].map((f) => [f, new StaticAsset(path.join(STATIC_DIR, f), CSS)] as const),
]);

/**
 * Nothing from elsewhere: scripts and styles from the gateway (ECharts and the tooltips set inline
 * styles), images as data: URLs (a chart's PNG), requests to the gateway only.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export interface PagesOptions {
  /** The departments that publish lists, in the supergraph served now. */
  departments(): string[];
  availability: SourceAvailability;
  /** Who may read the sources' availability: the operators' rule (analysts and the credit office); null allows. */
  authorize(authorization: string | undefined): Promise<{ status: 401 | 403; message: string } | null>;
  /**
   * The public endpoint's rate limit for this request: seconds to wait, 0 when allowed; rejects
   * with LimitStoreUnavailableError when the shared limit cannot be checked (it fails closed).
   */
  publicWait(req: IncomingMessage): Promise<number>;
}

/** The routes of the pages, as metrics and logs count them. */
export const PAGE_ROUTES = ['/dashboard', '/dashboard/availability.json', '/checks', '/public', '/pages/assets'] as const;

export function pageRouteOf(pathname: string): string | null {
  if (pathname === '/dashboard' || pathname === '/dashboard/availability.json' || pathname === '/public') return pathname;
  if (pathname.startsWith('/checks/')) return '/checks';
  if (pathname.startsWith('/pages/assets/')) return '/pages/assets';
  return null;
}

/**
 * The pages for people: `/dashboard` (tracking dashboard: analysts and the credit office),
 * `/checks/<checkId>` (a check's printable certificate: the client that made it and the credit
 * office) and `/checks/verify` (verifying one: anyone), `/public` (the red and black lists: anyone,
 * rate-limited as `/public/graphql`), their files under `/pages/assets/`, and the sources'
 * availability the dashboard charts (`/dashboard/availability.json`, operators' keys).
 */
export class Pages {
  constructor(private readonly options: PagesOptions) {}

  /** Answers `pathname` if it is a page route (true), else nothing (false). */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string, headers: Record<string, string>): boolean {
    const route = pageRouteOf(pathname);
    if (!route) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${pathname} takes GET`);
      return true;
    }
    if (route === '/pages/assets') {
      const asset = ASSETS.get(pathname.slice('/pages/assets/'.length));
      if (!asset) this.text(res, 404, `no such file: ${pathname}`, headers);
      else asset.send(req, res, { ...headers, 'x-content-type-options': 'nosniff' });
      return true;
    }
    if (route === '/dashboard/availability.json') {
      this.options.authorize(req.headers.authorization).then(
        (refusal) => {
          if (refusal) sendJson(res, refusal.status, { error: refusal.message }, headers);
          else sendJson(res, 200, this.options.availability.history(), { ...headers, 'cache-control': 'no-store' });
        },
        () => sendJson(res, 500, { error: 'internal error' }, headers),
      );
      return true;
    }
    if (route === '/dashboard') return this.html(req, res, dashboardPage(this.options.departments(), today()), headers);
    if (route === '/public') {
      this.options.publicWait(req).then(
        (wait) => {
          if (wait > 0) {
            res.writeHead(429, { ...headers, 'retry-after': String(wait), 'content-type': 'text/plain; charset=utf-8' });
            res.end(`too many requests from this address: retry in ${wait} s`);
            return;
          }
          this.html(req, res, publicListsPage(this.options.departments()), headers);
        },
        (err: unknown) => {
          const retryAfter = err instanceof LimitStoreUnavailableError ? err.retryAfterSeconds : 5;
          this.text(res, 503, err instanceof LimitStoreUnavailableError ? err.message : 'internal error', { ...headers, 'retry-after': String(retryAfter) });
        },
      );
      return true;
    }
    const checkId = pathname.slice('/checks/'.length);
    if (checkId === 'verify') return this.html(req, res, certificatePage(null), headers);
    if (!UUID.test(checkId)) {
      this.text(res, 404, `no page ${pathname}: a certificate is at /checks/<checkId> (a UUID), verification at /checks/verify`, headers);
      return true;
    }
    return this.html(req, res, certificatePage(checkId), headers);
  }

  private html(req: IncomingMessage, res: ServerResponse, body: string, headers: Record<string, string>): true {
    res.writeHead(200, { ...headers, ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  private text(res: ServerResponse, status: number, message: string, headers: Record<string, string>): void {
    res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end(message);
  }
}
