import type { Config } from '../config/schema.js';
import type { PlanAction } from '../domain/finding.js';
import { isOriginName, ORIGIN_NAME_RULE } from '../domain/origin.js';
import { printable } from '../domain/serial.js';
import type { RefState } from '../domain/state.js';
import { planBump } from '../planners/bump.js';
import { planFreeze, type FreezeOptions } from '../planners/freeze.js';
import { planThaw } from '../planners/thaw.js';
import type { PlanResult } from '../planners/types.js';
import type { SnapshotServer } from '../ports/snapshot-server.js';
import { newestSerials } from './server-facts.js';

export interface PlanRequest {
  action: PlanAction;
  state: RefState;
  config: Config;
  /** Needed by freeze and bump, which move to the newest serials. */
  server?: SnapshotServer;
  /** For bump: the origins to move (default: every pinned one). */
  origins?: readonly string[];
  /** For freeze: the version for the title, and the tags that tell a released version (see planFreeze). */
  freeze?: FreezeOptions;
}

function originsToResolve(request: PlanRequest): Set<string> {
  const names = new Set<string>();
  for (const set of request.state.sets) {
    for (const origin of set.origins) {
      if (request.action === 'freeze' && set.config.freeze_exceptions.includes(origin.origin)) continue;
      if (request.action === 'bump' && request.origins && !request.origins.includes(origin.origin)) continue;
      names.add(origin.origin);
    }
  }
  return names;
}

/** The directories of origins to resolve whose names the server cannot be asked about. */
function unaskable(state: RefState, names: ReadonlySet<string>): string[] {
  return [
    ...new Set(
      state.sets.flatMap((set) =>
        set.origins.filter((o) => names.has(o.origin) && !isOriginName(o.origin)).map((o) => o.dir),
      ),
    ),
  ];
}

/**
 * Plans a fix. Asks the snapshot server for what freeze and bump need;
 * throws SnapshotServerError when it cannot answer.
 */
export async function planAction(request: PlanRequest): Promise<PlanResult> {
  const { action, state, config } = request;
  if (action === 'thaw') return planThaw(state, config);
  if (!request.server)
    return {
      ok: false,
      error: `${action} needs the newest serials from the snapshot server, which is not available offline`,
    };
  const names = originsToResolve(request);
  const invalid = unaskable(state, names);
  if (invalid.length > 0) {
    return {
      ok: false,
      error: `cannot ${action}: ${invalid.map((dir) => `${printable(dir)} is not a valid origin name (${ORIGIN_NAME_RULE})`).join('; ')}, so the snapshot server cannot be asked for its newest serial`,
    };
  }
  const newest = await newestSerials(request.server, names);
  return action === 'freeze'
    ? planFreeze(state, config, newest, request.freeze)
    : planBump(state, config, newest, request.origins);
}
