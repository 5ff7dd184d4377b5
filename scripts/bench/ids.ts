/** The subject ids the bench asks for: those of the demo population scripts/seed.ts writes. */
import { populationSizes } from '../demo-data/generate.js';
import { legalPersonId, naturalPersonId } from '../demo-data/identities.js';

/**
 * The ids of the random demo population scripts/seed.ts writes for `--subjects total`: legal
 * persons legalPersonId(0..L-1), then natural persons naturalPersonId(0..N-1). (A legal person
 * whose code a showcase subject already has is moved elsewhere by the seed; asking for that code
 * still finds a subject, the showcase one.) With reused data, pass the --subjects it was seeded with.
 */
export function seededIds(total: number): string[] {
  const { legal, natural } = seededIdsByKind(total);
  return [...legal, ...natural];
}

/** The same ids, legal persons and natural persons apart. */
export function seededIdsByKind(total: number): { legal: string[]; natural: string[] } {
  const sizes = populationSizes(total);
  const legal: string[] = [];
  const natural: string[] = [];
  for (let i = 0; i < sizes.legal; i++) legal.push(legalPersonId(i));
  for (let j = 0; j < sizes.natural; j++) natural.push(naturalPersonId(j));
  return { legal, natural };
}

/** Fisher-Yates with a fixed seed, so runs draw the same sequence. */
export function shuffled<T>(items: readonly T[], seed = 20240601): T[] {
  const a = [...items];
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The supergraph with each subgraph's routing URL replaced (`@join__graph(name:, url:)`), for gateways that take a file. */
export function withRoutingUrls(sdl: string, urls: Record<string, string>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g, (whole, name: string) =>
    urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole,
  );
}
