import { REPO_CONFIG_PATH } from '../../config/load.js';
import type { Finding } from '../../domain/finding.js';
import { pinnedSerial, setLabel } from '../sets.js';
import { expiryKey } from '../types.js';
import type { ReleaseRule } from './types.js';
import { unansweredHint } from '../unanswered-hint.js';
import { utcMinute } from '../../domain/utc-minute.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Tagging the snapshots and building the upgrade kits take days after the
 * tag: every snapshot the release pins must be on the server and stay there
 * for release.availability_days.
 */
export const snapshotsAvailable: ReleaseRule = {
  id: 'snapshots-available',
  severities: ['error', 'notice'],
  description: `Every pinned snapshot is on the snapshot server and valid for release.availability_days from now (a 404 is an error).`,
  needsServer: true,
  check(ctx) {
    const facts = ctx.facts;
    if (!facts) return [];
    const days = ctx.config.release.availability_days;
    const unchecked = new Set<string>();
    const findings: Finding[] = [];
    for (const set of ctx.state.sets) {
      for (const origin of set.origins) {
        const serial = pinnedSerial(origin);
        if (serial === undefined) continue;
        const name = origin.origin;
        const where = `${name} ${serial}, pinned in ${setLabel(set)} at the tag ${ctx.tag}`;
        const add = (finding: Omit<Finding, 'rule' | 'path'>) =>
          findings.push({ rule: snapshotsAvailable.id, path: origin.path, ...finding });
        const expiry = facts.expiries.get(expiryKey(name, serial));
        if (!expiry) {
          if (unchecked.has(name)) continue;
          unchecked.add(name);
          add({
            severity: 'notice',
            message: `Whether ${name} snapshots are available is not checked: snapshot_server.dists names no dist for origin ${name}.`,
            hint: `Add the dist of ${name} to snapshot_server.dists in ${REPO_CONFIG_PATH} to check it.`,
          });
          continue;
        }
        if (!expiry.ok && expiry.missing) {
          add({
            severity: 'error',
            message: `Snapshot ${where}, is not on the snapshot server: ${expiry.error}. The release cannot be rebuilt, nor its snapshots tagged.`,
            hint: `Check the serial: the release must be built from snapshots the server keeps.`,
          });
        } else if (!expiry.ok) {
          add({
            severity: 'error',
            message: `Could not check that snapshot ${where}, is available: the snapshot server gave no usable answer (${expiry.error}).`,
            hint: unansweredHint(expiry.error, 'Run the release check again once the snapshot server answers.'),
            undecided: true,
          });
        } else if (expiry.validUntil !== null) {
          const left = expiry.validUntil.getTime() - ctx.now.getTime();
          if (left < days * DAY_MS) {
            const when = left <= 0 ? 'expired' : `expires in ${Math.ceil(left / DAY_MS)} day(s)`;
            add({
              severity: 'error',
              message: `Snapshot ${where}, ${when}, on ${utcMinute(expiry.validUntil)}: the release needs it for ${days} days, to tag its snapshots and build its upgrade kits.`,
              hint: `Bump Valid-Until of ${name} ${serial} on the snapshot server (bin/bump-APT-snapshots-expiration-date).`,
            });
          }
        }
      }
    }
    return findings;
  },
};
