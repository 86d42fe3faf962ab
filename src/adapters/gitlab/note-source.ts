import type { Thread } from '../../ports/forge.js';
import { gitlabCall, type GitLabApi, type GitLabProject } from './client.js';

/** A note as GitLab has it, whoever a webhook said wrote it. */
export interface StoredNote {
  body: string;
  author: { id: number; username: string };
  /** An internal (formerly confidential) note, which only members see: never answered in public. */
  internal: boolean;
}

interface NoteFields {
  body?: unknown;
  author?: { id?: unknown; username?: unknown } | null;
  internal?: unknown;
  confidential?: unknown;
}

/**
 * The note `id` on that issue or merge request, read back from GitLab.
 * One webhook secret serves every project of the bot, so whoever can read
 * one project's webhook settings could post a Note Hook that names anyone
 * as its author; the author and text GitLab stores cannot be forged.
 * @throws ForgeError gone when GitLab has no such note (deleted, or never written)
 */
export async function storedNote(api: GitLabApi, project: GitLabProject, on: Thread, id: number): Promise<StoredNote> {
  const note: NoteFields = await gitlabCall('read the note of a command', (): Promise<NoteFields> =>
    on.kind === 'issue'
      ? api.IssueNotes.show(project.id, on.number, id)
      : api.MergeRequestNotes.show(project.id, on.number, id),
  );
  const author = note.author;
  if (typeof note.body !== 'string' || typeof author?.id !== 'number' || typeof author.username !== 'string')
    throw new Error(`GitLab's note ${id} has no body or author`);
  return {
    body: note.body,
    author: { id: author.id, username: author.username },
    internal: note.internal === true || note.confidential === true,
  };
}
