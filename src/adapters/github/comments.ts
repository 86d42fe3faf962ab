import { commentMarker } from '../../report/hidden-marker.js';
import { call } from './forge-error.js';
import type { ForgeContext } from './forge-context.js';

/**
 * Posts `body` under the marker, or edits the bot's comment that carries it.
 * Only the first 100 comments are searched: on a longer thread a second
 * comment may appear, never an edit of someone else's.
 */
export async function ensureComment(
  { octokit, repository, identity }: ForgeContext,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<{ url: string }> {
  const op = 'ensureComment';
  const tag = commentMarker(marker);
  const full = `${tag}\n${body}`;
  const { data } = await call(op, () =>
    octokit.rest.issues.listComments({ ...repository, issue_number: issueNumber, per_page: 100 }),
  );
  const ours = data.find((c) => c.user?.login === identity.botLogin && (c.body ?? '').includes(tag));
  if (ours?.body === full) return { url: ours.html_url };
  if (ours) {
    const commentId = ours.id;
    const updated = await call(op, () =>
      octokit.rest.issues.updateComment({ ...repository, comment_id: commentId, body: full }),
    );
    return { url: updated.data.html_url };
  }
  const created = await call(op, () =>
    octokit.rest.issues.createComment({ ...repository, issue_number: issueNumber, body: full }),
  );
  return { url: created.data.html_url };
}
