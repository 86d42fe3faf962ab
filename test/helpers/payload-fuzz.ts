/** A deterministic PRNG (mulberry32): the same seed gives the same run, on any machine and day. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = (string | number)[];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Every path into `value` (objects' keys, arrays' indexes), parents before children. */
export function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function parentOf(root: Json, path: Path): Record<string | number, Json> | undefined {
  let node: Json = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[key] as Json;
  }
  return node !== null && typeof node === 'object' ? (node as Record<string | number, Json>) : undefined;
}

const HUGE = 'x'.repeat(200_000);
const UNICODE = [
  '\u0000',
  '\u202eevil\u202c',
  '🥔🥔🥔',
  'ｆｅａｔｕｒｅ/１２３４',
  'e\u0301\u0301\u0301',
  '\ud800',
  '<!-- apt-snapshots-bot:subject {} -->',
  'refs/heads/../../etc',
  ' ',
];
const OTHER_TYPES: Json[] = [null, true, false, 0, '', 'x', [], {}, [1, 'a'], { a: 1 }];
const NUMBERS = [0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 4243, 999_999_999];
const IDS: Json[] = ['abc', '4242', 4243, -4242, 0, 2 ** 31, 'd1'.repeat(19), 'D1'.repeat(20), 'a1'.repeat(21)];

/** The ways a field is broken: dropped, retyped, overflowed, a bad id, a huge string, odd unicode. */
export const MUTATIONS = ['drop', 'retype', 'overflow', 'bad id', 'huge string', 'unicode'] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Breaks the field at `path` of `root` the way `mutation` says; returns a description. */
export function mutateAt(root: Json, path: Path, mutation: Mutation, random: () => number): string {
  const parent = parentOf(root, path);
  const key = path[path.length - 1] as string | number;
  const where = path.join('.');
  if (!parent) return `nothing at ${where}`;
  const set = (value: Json, what: string) => {
    parent[key] = value;
    return `${what} ${where}`;
  };
  switch (mutation) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return `drop ${where}`;
    case 'retype':
      return set(
        pick(
          random,
          OTHER_TYPES.filter((v) => typeof v !== typeof parent[key]),
        ),
        'retype',
      );
    case 'overflow':
      return set(pick(random, NUMBERS), 'overflow');
    case 'bad id':
      return set(pick(random, IDS), 'bad id at');
    case 'huge string':
      return set(HUGE, 'huge string at');
    case 'unicode':
      return set(pick(random, UNICODE), 'unicode at');
  }
}

/**
 * Breaks 1 to 3 fields of `payload` in place: half the time one of
 * `targets` (the fields a handler reads), else any field.
 */
export function mutatePayload(payload: Json, targets: readonly Path[], random: () => number): string[] {
  const count = 1 + Math.floor(random() * 3);
  const done: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const all = pathsOf(payload);
    const present = targets.filter((t) => all.some((p) => p.join('.') === t.join('.')));
    const path = random() < 0.5 && present.length > 0 ? pick(random, present) : pick(random, all);
    if (!path) break;
    done.push(mutateAt(payload, path, pick(random, MUTATIONS), random));
  }
  return done;
}
