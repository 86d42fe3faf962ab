import { REPO_CONFIG_PATH } from '../config/load.js';
import { branchRole } from '../domain/branch.js';
import type { Finding } from '../domain/finding.js';
import { utcMinute } from '../domain/utc-minute.js';
import { pinnedSerial, setLabel } from './sets.js';
import { expiryKey, type Expiry, type Rule } from './types.js';
import { unansweredHint } from './unanswered-hint.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export type ExpiryClass = 'missing' | 'unknown' | 'expired' | 'expiring' | 'fine';

/** now + days: the end of the warning window, which classifyExpiry leaves out. */
export function windowEnd(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/**
 * What a looked-up expiry means between `now` and `until` (the end of the
 * warning window): `missing` (the server has no such snapshot), `unknown`
 * (no usable answer), `expired` (Valid-Until at or before now), `expiring`
 * (after now, before until), else `fine` (at until or later, or no
 * Valid-Until). The end is left out and compared in whole seconds, as
 * Tails' bin/apt-snapshots-expiry compares `date +%s`: it passes a snapshot
 * valid until exactly a month from now. The rule, the expiry watch and the
 * command line all classify with this, so they agree.
 */
export function classifyExpiry(expiry: Expiry, now: Date, until: Date): ExpiryClass {
  if (!expiry.ok) return expiry.missing ? 'missing' : 'unknown';
  if (expiry.validUntil === null) return 'fine';
  const at = expiry.validUntil.getTime();
  if (at <= now.getTime()) return 'expired';
  return Math.floor(at / 1000) < Math.floor(until.getTime() / 1000) ? 'expiring' : 'fine';
}

/**
 * A pinned snapshot that expires may be garbage-collected, and the branch
 * that pins it can no longer build. Server answers are gathered beforehand
 * into ctx.facts; the clock is ctx.now.
 */
export const snapshotExpiry: Rule = {
  id: 'snapshot-expiry',
  severities: ['error', 'warning', 'notice'],
  description:
    'No pinned snapshot has expired (an error on release branches) or expires within snapshot_server.expiry_warning_days.',
  needsServer: true,
  check(ctx) {
    const facts = ctx.facts;
    if (!facts) return [];
    const release = branchRole(ctx.branch, ctx.config) === 'release';
    const until = windowEnd(ctx.now, ctx.config.snapshot_server.expiry_warning_days);
    const unchecked = new Set<string>();
    const findings: Finding[] = [];
    const add = (finding: Omit<Finding, 'rule'>) => findings.push({ rule: snapshotExpiry.id, ...finding });

    for (const set of ctx.state.sets) {
      for (const origin of set.origins) {
        const serial = pinnedSerial(origin);
        if (serial === undefined) continue;
        const name = origin.origin;
        const expiry = facts.expiries.get(expiryKey(name, serial));
        if (!expiry) {
          if (unchecked.has(name)) continue;
          unchecked.add(name);
          const configured = name in ctx.config.snapshot_server.dists;
          add({
            severity: 'notice',
            path: origin.path,
            message: configured
              ? `The expiry of snapshot ${name} ${serial} was not looked up, so it is not checked on ${ctx.branch}.`
              : `The expiry of ${name} snapshots is not checked on ${ctx.branch}: snapshot_server.dists names no dist for origin ${name}.`,
            hint: configured
              ? 'Run the check again with the snapshot server reachable.'
              : `Add the dist of ${name} to snapshot_server.dists in ${REPO_CONFIG_PATH} to check its expiry.`,
          });
          continue;
        }
        const where = `pinned in ${setLabel(set)} on ${ctx.branch}`;
        const status = classifyExpiry(expiry, ctx.now, until);
        if (!expiry.ok && status === 'missing') {
          add({
            severity: release ? 'error' : 'warning',
            path: origin.path,
            message: `Snapshot ${name} ${serial} (${where}) is not on the snapshot server: ${expiry.error}. It was garbage-collected, or never existed; ${ctx.branch} cannot build from it.`,
            hint: `Move ${name} to a serial the server has, or, if every ${name} snapshot is reported missing, check snapshot_server.dists.${name} (${ctx.config.snapshot_server.dists[name] ?? 'none'}).`,
            fix: 'bump',
          });
          continue;
        }
        if (!expiry.ok) {
          // Fails closed where an expired snapshot would be an error: a
          // release branch is not passed on an unanswered question.
          add({
            severity: release ? 'error' : 'warning',
            path: origin.path,
            message: `Could not check when snapshot ${name} ${serial} (${where}) expires: the snapshot server gave no usable answer (${expiry.error}).`,
            // Nothing is known about the snapshot: the error itself says what failed.
            hint: unansweredHint(
              expiry.error,
              'Run the check again once the snapshot server answers; the message says why it did not.',
            ),
            undecided: true,
          });
          continue;
        }
        if (expiry.validUntil === null || status === 'fine') continue;
        if (status === 'expired') {
          add({
            severity: release ? 'error' : 'warning',
            path: origin.path,
            message: `Snapshot ${name} ${serial} (${where}) expired on ${utcMinute(expiry.validUntil)}; it may be garbage-collected and ${ctx.branch} cannot build from it.`,
            hint: `Bump Valid-Until of ${name} ${serial} on the snapshot server, or move ${name} to a newer serial.`,
            fix: 'bump',
          });
        } else {
          const left = expiry.validUntil.getTime() - ctx.now.getTime();
          add({
            severity: 'warning',
            path: origin.path,
            message: `Snapshot ${name} ${serial} (${where}) expires on ${utcMinute(expiry.validUntil)}, in ${Math.ceil(left / DAY_MS)} day(s).`,
            hint: `Bump Valid-Until of ${name} ${serial} on the snapshot server, or move ${name} to a newer serial.`,
            fix: 'bump',
          });
        }
      }
    }
    return findings;
  },
};
