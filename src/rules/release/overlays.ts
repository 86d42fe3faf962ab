import { overlaysFindings, OVERLAYS_AT_RELEASE } from '../overlays-at-release.js';
import type { ReleaseRule } from './types.js';

export const releaseOverlays: ReleaseRule = {
  id: OVERLAYS_AT_RELEASE,
  severities: ['error'],
  description: `At release, the APT overlays directory holds nothing but .placeholder.`,
  check(ctx) {
    const entry = ctx.state.changelog.entry;
    // Without a changelog entry the release-tag rule says what is wrong.
    return entry ? overlaysFindings(ctx.state, entry, `at the tag ${ctx.tag}`) : [];
  },
};
