import type { Thread } from '../../ports/forge.js';
import { commentMarker } from '../../report/hidden-marker.js';
import { gitlabCall } from './client.js';
import { noteUrl, type GitLabContext } from './context.js';
import { cutNote } from './limits.js';

interface ListedNote {
  id: number;
  body: string;
  author: { id: number } | null;
  system?: boolean;
}

/** Pages of 100 notes read at most: the bot's note is among a thread's first, which come first. */
export const NOTE_PAGES = 5;

/** The notes of an issue or of a merge request: the same calls on two resources. */
interface NoteResource {
  all(
    projectId: string | number,
    iid: number,
    options: { sort: 'asc'; orderBy: 'created_at'; perPage: number; page: number },
  ): Promise<unknown>;
  create(projectId: string | number, iid: number, body: string): Promise<unknown>;
  edit(projectId: string | number, iid: number, noteId: number, options: { body: string }): Promise<unknown>;
}

function notes({ api }: GitLabContext, on: Thread): NoteResource {
  return on.kind === 'issue' ? api.IssueNotes : api.MergeRequestNotes;
}

/**
 * The bot's note on `on` whose body starts with `tag`: the thread's notes,
 * oldest first, up to NOTE_PAGES pages. On a longer thread a second note
 * may appear, never an edit of someone else's.
 */
async function findNote(
  context: GitLabContext,
  operation: string,
  on: Thread,
  tag: string,
): Promise<ListedNote | undefined> {
  const { project, bot } = context;
  for (let page = 1; page <= NOTE_PAGES; page += 1) {
    const listed = (await gitlabCall(operation, () =>
      notes(context, on).all(project.id, on.number, {
        sort: 'asc',
        orderBy: 'created_at',
        perPage: 100,
        page,
      }),
    )) as ListedNote[];
    const ours = listed.find((n) => n.author?.id === bot.id && !n.system && n.body.startsWith(tag));
    if (ours) return ours;
    if (listed.length < 100) break;
  }
  return undefined;
}

/**
 * Makes the bot's note on `on` that starts with `tag` say `body` (which
 * starts with `tag`): edited in place when it differs, created when
 * missing. Requests: 1 per page read, plus 1 to write when needed.
 */
export async function ensureNote(
  context: GitLabContext,
  operation: string,
  on: Thread,
  tag: string,
  body: string,
): Promise<{ id: number; url: string }> {
  const { project } = context;
  const full = cutNote(body);
  const ours = await findNote(context, operation, on, tag);
  const url = (id: number) => noteUrl(project, on.kind, on.number, id);
  if (ours?.body === full) return { id: ours.id, url: url(ours.id) };
  if (ours) {
    const id = ours.id;
    await gitlabCall(operation, () => notes(context, on).edit(project.id, on.number, id, { body: full }));
    return { id, url: url(id) };
  }
  const created = (await gitlabCall(operation, () => notes(context, on).create(project.id, on.number, full))) as {
    id: number;
  };
  return { id: created.id, url: url(created.id) };
}

/** Posts `body` under the marker (the GitHub adapter's format), or edits the bot's note that carries it. */
export async function ensureComment(
  context: GitLabContext,
  on: Thread,
  marker: string,
  body: string,
  operation = 'ensureComment',
): Promise<{ url: string }> {
  const tag = commentMarker(marker);
  const { url } = await ensureNote(context, operation, on, tag, `${tag}\n${body}`);
  return { url };
}
