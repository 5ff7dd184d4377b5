/** One GraphQL request as the soak sends it: never throws, always says how it went. */

export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; serviceName?: string; [key: string]: unknown };
}

export interface Answer<T = any> {
  /** HTTP status; 0 when no answer came (refused connection, reset, timeout). */
  status: number;
  data?: T | null;
  errors?: GraphQLErrorShape[];
  /** Why no usable answer came: the network error, or the body that was not JSON. */
  failure?: string;
  ms: number;
}

/** Acknowledged: HTTP 200 with data and no error at all. */
export function acknowledged(answer: Answer): boolean {
  return answer.status === 200 && answer.data != null && (answer.errors === undefined || answer.errors.length === 0);
}

/** A short label for what went wrong, for counting failures by cause. */
export function failureCause(answer: Answer): string {
  if (answer.status === 0) return answer.failure?.includes('timeout') || answer.failure?.includes('aborted') ? 'client timeout' : 'no connection';
  const code = answer.errors?.[0]?.extensions?.code;
  if (code) return `${code}${answer.errors?.[0]?.extensions?.serviceName ? ` (${answer.errors[0]!.extensions!.serviceName})` : ''}`;
  return answer.status === 200 ? 'no data' : `HTTP ${answer.status}`;
}

export async function postGraphQL<T = any>(url: string, key: string, query: string, variables: Record<string, unknown>, timeoutMs: number): Promise<Answer<T>> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    try {
      const body = JSON.parse(text) as { data?: T | null; errors?: GraphQLErrorShape[] };
      return { status: res.status, data: body.data, errors: body.errors, ms };
    } catch {
      return { status: res.status, failure: `not JSON: ${text.slice(0, 120)}`, ms };
    }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { status: 0, failure: `${e.name}: ${e.cause?.code ?? e.message}`, ms: performance.now() - started };
  }
}
