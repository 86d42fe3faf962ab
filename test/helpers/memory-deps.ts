import pino from 'pino';
import type { Logger } from 'probot';
import { BatchedView } from '../../src/adapters/batched-view.js';
import type { RepoDeps } from '../../src/app/deps.js';
import { FollowUps } from '../../src/app/follow-ups.js';
import { KeyedLock } from '../../src/app/keyed-lock.js';
import { ReadinessWatch } from '../../src/app/release/readiness-watch.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { ReadError } from '../../src/errors.js';
import type { ReadSpec } from '../../src/domain/tree.js';
import type { JobTrigger } from '../../src/ports/job-trigger.js';
import type { BatchRefReader, RefReader, SettledRead } from '../../src/ports/ref-reader.js';
import type { Repository } from '../../src/ports/repository.js';
import type { SnapshotServer } from '../../src/ports/snapshot-server.js';
import { FakeTimers } from './fake-timers.js';
import { MemoryForge, MemoryJobClaims } from './memory-forge.js';

/** A batch reader over any reader: each revision read on its own, as a forge's one request would answer. */
export function batchOf(reader: RefReader): BatchRefReader {
  return {
    read: (rev, spec) => reader.read(rev, spec),
    async readSettled(revs: string[], spec: ReadSpec) {
      const results = await Promise.all(
        revs.map(async (rev): Promise<SettledRead> => {
          try {
            return { ok: true, snapshot: await reader.read(rev, spec) };
          } catch (error) {
            if (error instanceof ReadError) return { ok: false, error };
            throw error;
          }
        }),
      );
      return { results };
    },
  };
}

const NOTHING: ReadSpec = { files: [], dirs: [] };

/** Every commit `rev` reaches, nearest first, as far as `reader` knows them. */
async function ancestors(reader: RefReader, rev: string): Promise<string[]> {
  const seen: string[] = [];
  const queue = [rev];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    let commit;
    try {
      ({ commit } = await reader.read(next, NOTHING));
    } catch (error) {
      if (error instanceof ReadError) continue;
      throw error;
    }
    if (seen.includes(commit.sha)) continue;
    seen.push(commit.sha);
    queue.push(...commit.parents);
  }
  return seen;
}

/**
 * A repository in memory: the revisions of `reader`, read as a forge
 * batches them, and the merge base found by walking their parents (a
 * pair that shares none has none, as a forge answers with a 404).
 */
export function memorySource(reader: RefReader, log: Logger): Repository {
  const batched = batchOf(reader);
  return {
    read: (rev, spec) => reader.read(rev, spec),
    open: (plan) =>
      new BatchedView(batched, {
        batch: plan.batch,
        mergeBase: async (base, head) => {
          const ofBase = await ancestors(reader, base.startsWith('refs/') ? base : `refs/heads/${base}`).then(
            async (found) => (found.length > 0 ? found : ancestors(reader, base)),
          );
          const fork = (await ancestors(reader, head)).find((sha) => ofBase.includes(sha));
          if (fork === undefined)
            throw Object.assign(new Error(`no merge base of ${base} and ${head}`), { status: 404 });
          return fork;
        },
        log,
        repository: 'tails/tails',
      }),
  };
}

export interface MemoryDeps {
  deps: RepoDeps;
  forge: MemoryForge;
  claims: MemoryJobClaims;
  timers: FakeTimers;
  /** Every log line's message, for assertions. */
  logged: string[];
}

/** A repository's dependencies in memory: the handlers run as under the app, against fakes a test can inspect. */
export function memoryDeps(options: {
  reader: RefReader;
  now: Date;
  server?: SnapshotServer;
  bumpTrigger?: JobTrigger;
  tags?: string[];
  forge?: MemoryForge;
  defaultBranch?: string;
}): MemoryDeps {
  const forge = options.forge ?? new MemoryForge();
  const claims = new MemoryJobClaims();
  const timers = new FakeTimers();
  const logged: string[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => void logged.push((JSON.parse(line) as { msg: string }).msg) },
  ) as unknown as Logger;
  const deps: RepoDeps = {
    forge,
    source: memorySource(options.reader, log),
    threadRef: (on) => `#${on.number}`,
    changeRequestName: 'pull request',
    rerunHint: 'Re-run this check',
    fixesAs: 'buttons',
    ...(options.server ? { server: options.server } : {}),
    ...(options.bumpTrigger ? { bumpTrigger: options.bumpTrigger } : {}),
    defaults: defaultConfig(),
    now: options.now,
    log,
    locks: new KeyedLock(),
    followUps: new FollowUps(timers),
    repository: 'tails/tails',
    repoUrl: 'https://github.com/tails/tails',
    defaultBranch: options.defaultBranch ?? 'devel',
    pullRequest: () => Promise.reject(new Error('no pull request in memory')),
    release: {
      claims,
      triggers: {},
      tags: async (prefix) => (options.tags ?? []).filter((tag) => tag.startsWith(prefix)),
      fetchText: () => Promise.reject(new Error('no manifest in memory')),
      isReady: async () => false,
      watch: new ReadinessWatch(timers, () => undefined),
    },
    refresh: async () => deps,
  };
  return { deps, forge, claims, timers, logged };
}
