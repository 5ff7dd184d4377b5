/**
 * The registry's only outgoing request: reading a department's SDL (`_service { sdl }`) from the
 * routing URL it publishes. A department names that URL, so the registry fetches nothing the
 * operator has not allowed for that department (see routing-urls.ts), signs the request for that
 * department's subgraph only, follows no redirect, and caps time and size.
 */
import { request } from 'undici';
import { envInt } from '../kit/env.js';
import { badInput } from '../kit/errors.js';
import { signingConfigFromEnv, signRequest } from '../kit/request-signing.js';

/** REGISTRY_FETCH_TIMEOUT_MS (5000): the whole fetch, connection to last byte; REGISTRY_FETCH_MAX_BYTES (2 MiB): the answer's size. */
function limits(env: NodeJS.ProcessEnv = process.env) {
  return {
    timeoutMs: envInt('REGISTRY_FETCH_TIMEOUT_MS', 5000, { min: 100, max: 60_000 }, env),
    maxBytes: envInt('REGISTRY_FETCH_MAX_BYTES', 2 * 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }, env),
  };
}

/** Drops an answer's body unread; destroying it aborts the request, which is wanted, not an error. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}

class FetchRefused extends Error {
  override name = 'FetchRefused';
}

/**
 * Reads the SDL of subgraph `name` from `url`, which the caller has already checked against the
 * allow-list. The signature is made for `name`: no other subgraph accepts it.
 */
export async function fetchSdl(name: string, url: string): Promise<string> {
  const { timeoutMs, maxBytes } = limits();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const body = JSON.stringify({ query: '{ _service { sdl } }' });
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    const target = new URL(url);
    // Subgraphs answer only signed requests; the registry shares the gateway's signing secret.
    Object.assign(headers, signRequest(signingConfigFromEnv().secret, name, 'POST', target.pathname + target.search, headers, body));
    // undici's request() never follows a redirect (no redirect interceptor is installed here).
    const res = await request(url, { method: 'POST', headers, body, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    if (res.statusCode >= 300 && res.statusCode < 400) {
      discard(res.body);
      throw new FetchRefused(`HTTP ${res.statusCode} redirect to ${JSON.stringify(res.headers.location ?? '')} not followed: the registry reads only the URL published`);
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      discard(res.body);
      throw new FetchRefused(`the answer declares ${declared} bytes, more than the ${maxBytes} bytes allowed (REGISTRY_FETCH_MAX_BYTES)`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        discard(res.body);
        throw new FetchRefused(`the answer is larger than the ${maxBytes} bytes allowed (REGISTRY_FETCH_MAX_BYTES)`);
      }
      chunks.push(chunk);
    }
    let json: { data?: { _service?: { sdl?: string } } };
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new FetchRefused(`HTTP ${res.statusCode} with a body that is not JSON`);
    }
    const sdl = json?.data?._service?.sdl;
    if (typeof sdl !== 'string') throw new FetchRefused(`HTTP ${res.statusCode} without _service.sdl`);
    return sdl;
  } catch (err) {
    const reason = signal.aborted ? `no complete answer within ${timeoutMs} ms (REGISTRY_FETCH_TIMEOUT_MS)` : (err as Error).message;
    throw badInput(`could not read the SDL from ${url}: ${reason}; give the SDL or make _service { sdl } reachable`);
  }
}
