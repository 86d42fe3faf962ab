import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGitLabWebhook, type GitLabWebhookEvent } from '../../../src/adapters/gitlab/webhook-events.js';
import { mutatePayload, seededRandom, type Path } from '../../helpers/payload-fuzz.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'gitlab');

/** A payload from test/fixtures/gitlab/NAME.json, fresh each time so tests may edit it. */
function gitlabFixture(name: string): JsonObject {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as JsonObject;
}

const attributes = (payload: JsonObject) => payload.object_attributes as JsonObject;

const ZERO = '0'.repeat(40);
const TAILS = {
  id: 2,
  pathWithNamespace: 'tails/tails',
  webUrl: 'http://gitlab.example/tails/tails',
  defaultBranch: 'devel',
};

function mapped(event: GitLabWebhookEvent, payload: unknown) {
  const result = parseGitLabWebhook(event, payload);
  if (!result.ok) throw new Error(`expected a mapping, got: ${result.problem}`);
  expect(result.project).toEqual(TAILS);
  return result;
}

function problemOf(event: string, payload: unknown): string {
  const result = parseGitLabWebhook(event, payload);
  if (result.ok) throw new Error('expected a problem, got a mapping');
  return result.problem;
}

describe('parseGitLabWebhook: pushes', () => {
  it('maps a push to a branch, with the full ref and the pusher as sender; forced stays unknown', () => {
    expect(mapped('Push Hook', gitlabFixture('push-branch'))).toEqual({
      ok: true,
      project: TAILS,
      event: {
        kind: 'push',
        ref: 'refs/heads/devel',
        before: '1f3c5e7a9b0d2f4a6c8e0b1d3f5a7c9e1b3d5f70',
        after: '2a4c6e8f0b1d3e5a7c9f1b3d5e7a9c0e2b4d6f81',
        created: false,
        deleted: false,
        sender: { login: 'intrigeri', id: 3001 },
      },
    });
  });

  it('says created when before is all zeros, and deleted when after is', () => {
    const created = mapped('Push Hook', gitlabFixture('push-new-branch')).event;
    expect(created).toMatchObject({ ref: 'refs/heads/feature/tor-0.4.9', before: ZERO, created: true, deleted: false });
    expect(created).not.toHaveProperty('forced');

    const deleted = mapped('Push Hook', gitlabFixture('push-deleted-branch')).event;
    expect(deleted).toMatchObject({ ref: 'refs/heads/feature/tor-0.4.8', after: ZERO, created: false, deleted: true });
  });

  it('keeps the bot as the sender of its own push, for the app to leave alone', () => {
    expect(mapped('Push Hook', gitlabFixture('push-by-bot')).event).toMatchObject({
      ref: 'refs/heads/apt-snapshots-bot/freeze-stable',
      sender: { login: 'apt-snapshots-bot', id: 4000 },
    });
  });

  it('maps a new tag to a push of refs/tags/NAME, and leaves a deleted tag alone', () => {
    expect(mapped('Tag Push Hook', gitlabFixture('tag-push')).event).toEqual({
      kind: 'push',
      ref: 'refs/tags/7.3',
      before: ZERO,
      after: '7f9b1d3e5a7c9f1b3d5e7a9c1f3b5d7e9a1c3f46',
      created: true,
      deleted: false,
      commit: '6e8a0c2d4f6b8e0a2c4d6f8b0e2a4c6d8f0b2e35',
      sender: { login: 'intrigeri', id: 3001 },
    });

    const deleted = gitlabFixture('tag-push');
    deleted.before = deleted.after as string;
    deleted.after = ZERO;
    deleted.checkout_sha = null;
    expect(mapped('Tag Push Hook', deleted).event).toEqual({
      kind: 'push',
      ref: 'refs/tags/7.3',
      before: '7f9b1d3e5a7c9f1b3d5e7a9c1f3b5d7e9a1c3f46',
      after: ZERO,
      created: false,
      deleted: true,
      sender: { login: 'intrigeri', id: 3001 },
    });
  });

  it('refuses a payload of another kind than its header says', () => {
    expect(problemOf('Push Hook', gitlabFixture('tag-push'))).toMatch(/^Push Hook without a valid object_kind/);
    expect(problemOf('Tag Push Hook', gitlabFixture('push-branch'))).toMatch(
      /^Tag Push Hook without a valid object_kind/,
    );
  });

  it('refuses a push whose ref is no branch, and a tag push whose ref is no tag', () => {
    for (const ref of ['refs/tags/7.3', 'devel', 'refs/heads/a..b', 'refs/heads/-x', 'refs/heads/']) {
      const payload = gitlabFixture('push-branch');
      payload.ref = ref;
      expect(problemOf('Push Hook', payload)).toBe(
        'Push Hook without a valid ref (must be refs/heads/ and a branch name)',
      );
    }
    const tag = gitlabFixture('tag-push');
    tag.ref = 'refs/heads/devel';
    expect(problemOf('Tag Push Hook', tag)).toBe(
      'Tag Push Hook without a valid ref (must be refs/tags/ and a tag name)',
    );
  });
});

describe('parseGitLabWebhook: merge requests', () => {
  it('maps an opened merge request: iid as number, head from last_commit, base sha left empty', () => {
    expect(mapped('Merge Request Hook', gitlabFixture('mr-open')).event).toEqual({
      kind: 'change-request',
      action: 'opened',
      number: 42,
      open: true,
      head: { branch: 'feature/tor-0.4.9', sha: '3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b02', fromFork: false },
      base: { branch: 'devel', sha: '' },
      sender: { login: 'anonym', id: 3002 },
    });
  });

  it.each([
    ['mr-update', 'updated', true],
    ['mr-reopen', 'reopened', true],
    ['mr-close', 'other', false],
    ['mr-retarget', 'retargeted', true],
  ] as const)('maps %s to %s (open: %s)', (name, action, open) => {
    const event = mapped('Merge Request Hook', gitlabFixture(name)).event;
    expect(event).toMatchObject({ kind: 'change-request', action, open, number: 42 });
  });

  it('takes the new head after a push, and the new target after a retarget', () => {
    expect(mapped('Merge Request Hook', gitlabFixture('mr-update')).event).toMatchObject({
      head: { sha: '8a0c2e4f6b8d0a2c4e6f8b0d2a4c6e8f0b2d4a57' },
    });
    expect(mapped('Merge Request Hook', gitlabFixture('mr-retarget')).event).toMatchObject({
      base: { branch: 'stable', sha: '' },
    });
  });

  it('says other for an update that changes nothing judged, and for approvals and merges', () => {
    const edited = gitlabFixture('mr-update');
    delete attributes(edited).oldrev;
    expect(mapped('Merge Request Hook', edited).event).toMatchObject({ action: 'other', open: true });
    for (const action of ['approved', 'approval', 'unapproved', 'merge']) {
      const payload = gitlabFixture('mr-open');
      attributes(payload).action = action;
      expect(mapped('Merge Request Hook', payload).event).toMatchObject({ action: 'other' });
    }
  });

  it('says fromFork when the source project is another, or gone', () => {
    expect(mapped('Merge Request Hook', gitlabFixture('mr-open-from-fork')).event).toMatchObject({
      head: { fromFork: true },
    });
    const gone = gitlabFixture('mr-open');
    attributes(gone).source_project_id = null;
    expect(mapped('Merge Request Hook', gone).event).toMatchObject({ head: { fromFork: true } });
  });

  it('leaves alone a merge request without a head commit', () => {
    const payload = gitlabFixture('mr-close');
    attributes(payload).last_commit = null;
    expect(mapped('Merge Request Hook', payload)).toMatchObject({
      event: undefined,
      reason: 'the merge request has no head commit',
    });
  });

  it('refuses branch names git would not take, or would read as another branch', () => {
    for (const [field, name] of [
      ['source_branch', 'refs/heads/devel'],
      ['target_branch', 'remotes/origin/devel'],
      ['target_branch', 'a b'],
    ]) {
      const payload = gitlabFixture('mr-open');
      attributes(payload)[field as string] = name as string;
      expect(problemOf('Merge Request Hook', payload)).toBe(
        `Merge Request Hook without a valid object_attributes.${field} (must be a branch name)`,
      );
    }
  });
});

describe('parseGitLabWebhook: notes', () => {
  it('maps a note on a merge request to a command on the change request', () => {
    expect(mapped('Note Hook', gitlabFixture('note-mr-command')).event).toEqual({
      kind: 'command',
      commentId: 77001,
      body: "Thanks! Let's see what the bot thinks.\n\n/apt-snapshots check",
      on: { kind: 'change-request', number: 42 },
      sender: { login: 'intrigeri', id: 3001 },
    });
  });

  it('maps a note on an issue, whoever wrote it (a Reporter): the permission check is the app’s', () => {
    expect(mapped('Note Hook', gitlabFixture('note-issue')).event).toEqual({
      kind: 'command',
      commentId: 77002,
      body: '/apt-snapshots freeze stable',
      on: { kind: 'issue', number: 20017 },
      sender: { login: 'drive-by-reporter', id: 3050 },
    });
  });

  it('maps an edited note too: the app edits its one reply', () => {
    const payload = gitlabFixture('note-mr-command');
    attributes(payload).action = 'update';
    expect(mapped('Note Hook', payload).event).toMatchObject({ kind: 'command', commentId: 77001 });
  });

  it('leaves alone notes on commits and snippets, system notes and internal notes', () => {
    expect(mapped('Note Hook', gitlabFixture('note-commit'))).toMatchObject({
      event: undefined,
      reason: 'a note on a Commit, where commands are not read',
    });
    const snippet = gitlabFixture('note-issue');
    attributes(snippet).noteable_type = 'Snippet';
    expect(mapped('Note Hook', snippet).reason).toBe('a note on a Snippet, where commands are not read');
    const system = gitlabFixture('note-mr-command');
    attributes(system).system = true;
    expect(mapped('Note Hook', system)).toMatchObject({ event: undefined, reason: 'a system note' });
    const internal = gitlabFixture('note-mr-command');
    attributes(internal).internal = true;
    expect(mapped('Note Hook', internal)).toMatchObject({ event: undefined, reason: 'an internal note' });
  });

  it('leaves a Confidential Note Hook alone, saying whose project it was about', () => {
    expect(mapped('Confidential Note Hook', gitlabFixture('note-issue'))).toEqual({
      ok: true,
      project: TAILS,
      event: undefined,
      reason: 'a confidential note, which the app does not answer',
    });
  });

  it('refuses a note on a merge request or an issue that does not say which', () => {
    const mr = gitlabFixture('note-mr-command');
    delete mr.merge_request;
    expect(problemOf('Note Hook', mr)).toBe('Note Hook without a valid merge_request (a merge request note)');
    const issue = gitlabFixture('note-issue');
    issue.issue = { iid: 0 };
    expect(problemOf('Note Hook', issue)).toMatch(/^Note Hook without a valid issue\.iid/);
  });
});

describe('parseGitLabWebhook: issues', () => {
  const tickedBody = (payload: JsonObject) => attributes(payload).description as string;

  it('maps an edit that ticks a box: iid as number, the body before it, when GitLab recorded it, the editor', () => {
    const payload = gitlabFixture('issue-edit-tick');
    const previous = ((payload.changes as JsonObject).description as JsonObject).previous as string;

    expect(mapped('Issue Hook', payload).event).toEqual({
      kind: 'issue-edited',
      number: 20100,
      body: tickedBody(payload),
      previousBody: previous,
      editedAt: '2026-12-01 09:30:12 UTC',
      sender: { login: 'intrigeri', id: 3001 },
    });
    expect(tickedBody(payload)).toContain('- [x] <!-- apt-snapshots-request:freeze:stable -->');
    expect(previous).toContain('- [ ] <!-- apt-snapshots-request:freeze:stable -->');
  });

  it('leaves previousBody undefined for an edit of the title alone', () => {
    const event = mapped('Issue Hook', gitlabFixture('issue-edit-title')).event;

    expect(event).toMatchObject({ kind: 'issue-edited', number: 20100, editedAt: '2026-12-01 09:45:00 UTC' });
    expect(event).not.toHaveProperty('previousBody');
  });

  it('reads an empty description, before or after, as an empty body', () => {
    const payload = gitlabFixture('issue-edit-tick');
    attributes(payload).description = null;
    ((payload.changes as JsonObject).description as JsonObject).previous = null;

    expect(mapped('Issue Hook', payload).event).toMatchObject({ body: '', previousBody: '' });
    delete attributes(payload).description;
    expect(mapped('Issue Hook', payload).event).toMatchObject({ body: '' });
  });

  it('leaves alone an issue opened, closed or reopened, and any other action: they tick no box', () => {
    expect(mapped('Issue Hook', gitlabFixture('issue-open'))).toEqual({
      ok: true,
      project: TAILS,
      event: undefined,
      reason: 'an issue opened, which ticks no box',
    });
    for (const [action, done] of [
      ['close', 'closed'],
      ['reopen', 'reopened'],
      ['toString', 'toString'],
    ]) {
      const payload = gitlabFixture('issue-edit-tick');
      attributes(payload).action = action as string;
      expect(mapped('Issue Hook', payload)).toMatchObject({
        event: undefined,
        reason: `an issue ${done}, which ticks no box`,
      });
    }
  });

  it('leaves alone an edit of a confidential issue, and does not take the Confidential Issues Hook', () => {
    const payload = gitlabFixture('issue-edit-tick');
    attributes(payload).confidential = true;
    expect(mapped('Issue Hook', payload)).toMatchObject({
      event: undefined,
      reason: 'an edit of a confidential issue',
    });
    expect(problemOf('Confidential Issues Hook', gitlabFixture('issue-edit-tick'))).toBe(
      '"Confidential Issues Hook" is not an event the app reads',
    );
  });

  it('takes the times GitLab writes, and nothing else, for editedAt', () => {
    for (const time of ['2026-12-01T09:30:12Z', '2026-12-01T09:30:12.123+01:00', '2026-12-01 09:30:12 UTC']) {
      const payload = gitlabFixture('issue-edit-tick');
      attributes(payload).updated_at = time;
      expect(mapped('Issue Hook', payload).event).toMatchObject({ editedAt: time });
    }
    for (const time of ['yesterday', '2026-13-45 99:99:99 UTC', '2026-12-01 09:30:12 UTC -->', '']) {
      const payload = gitlabFixture('issue-edit-tick');
      attributes(payload).updated_at = time;
      expect(problemOf('Issue Hook', payload)).toBe(
        'Issue Hook without a valid object_attributes.updated_at (must be a time)',
      );
    }
  });

  it('refuses an Issue Hook that is not about an issue, or an edit whose previous description is missing', () => {
    const workItem = gitlabFixture('issue-edit-tick');
    workItem.object_kind = 'work_item';
    expect(problemOf('Issue Hook', workItem)).toMatch(/^Issue Hook without a valid object_kind/);
    expect(problemOf('Issue Hook', gitlabFixture('note-issue'))).toMatch(/^Issue Hook without a valid object_kind/);
    const payload = gitlabFixture('issue-edit-tick');
    delete ((payload.changes as JsonObject).description as JsonObject).previous;
    expect(problemOf('Issue Hook', payload)).toMatch(/^Issue Hook without a valid changes\.description\.previous/);
  });
});

describe('parseGitLabWebhook: hostile payloads', () => {
  it('refuses an event it does not read, quoting at most 100 characters of its name', () => {
    expect(problemOf('Pipeline Hook', {})).toBe('"Pipeline Hook" is not an event the app reads');
    expect(problemOf('__proto__', {})).toBe('"__proto__" is not an event the app reads');
    expect(problemOf('x'.repeat(10_000), {}).length).toBeLessThan(140);
  });

  it.each([
    ['no object', 'Push Hook', null, 'Push Hook without a valid body'],
    ['an array', 'Note Hook', [], 'Note Hook without a valid body'],
  ])('names the body when it is %s', (_what, event, payload, problem) => {
    expect(problemOf(event, payload)).toMatch(new RegExp(`^${problem}`));
  });

  it.each([
    ['Push Hook', 'push-branch', ['project', 'id'], '4242', 'project.id'],
    ['Push Hook', 'push-branch', ['project', 'id'], 2 ** 53, 'project.id'],
    ['Push Hook', 'push-branch', ['user_id'], 1.5, 'user_id'],
    ['Push Hook', 'push-branch', ['user_username'], 'x'.repeat(300), 'user_username'],
    ['Push Hook', 'push-branch', ['after'], 'D1'.repeat(20), 'after'],
    ['Push Hook', 'push-branch', ['project', 'path_with_namespace'], 'tails/../root', 'project.path_with_namespace'],
    ['Push Hook', 'push-branch', ['project', 'web_url'], 'javascript:alert(1)', 'project.web_url'],
    ['Push Hook', 'push-branch', ['project', 'default_branch'], null, 'project.default_branch'],
    ['Merge Request Hook', 'mr-open', ['object_attributes', 'iid'], -42, 'object_attributes.iid'],
    [
      'Merge Request Hook',
      'mr-open',
      ['object_attributes', 'last_commit', 'id'],
      'abc',
      'object_attributes.last_commit.id',
    ],
    ['Merge Request Hook', 'mr-open', ['user', 'username'], '-rm', 'user.username'],
    ['Note Hook', 'note-mr-command', ['object_attributes', 'note'], 'x'.repeat(1_000_001), 'object_attributes.note'],
    ['Note Hook', 'note-mr-command', ['object_attributes', 'id'], {}, 'object_attributes.id'],
    ['Issue Hook', 'issue-edit-tick', ['object_attributes', 'iid'], 0, 'object_attributes.iid'],
    ['Issue Hook', 'issue-edit-tick', ['object_attributes', 'iid'], '20100', 'object_attributes.iid'],
    [
      'Issue Hook',
      'issue-edit-tick',
      ['object_attributes', 'description'],
      'x'.repeat(1_048_577),
      'object_attributes.description',
    ],
    ['Issue Hook', 'issue-edit-tick', ['object_attributes', 'description'], 42, 'object_attributes.description'],
    ['Issue Hook', 'issue-edit-tick', ['object_attributes', 'action'], '', 'object_attributes.action'],
    ['Issue Hook', 'issue-edit-tick', ['object_attributes', 'updated_at'], 1764581412, 'object_attributes.updated_at'],
    ['Issue Hook', 'issue-edit-tick', ['changes', 'description', 'previous'], 17, 'changes.description.previous'],
    ['Issue Hook', 'issue-edit-tick', ['user', 'username'], 'a b', 'user.username'],
    ['Issue Hook', 'issue-edit-tick', ['project', 'web_url'], 'file:///etc/passwd', 'project.web_url'],
  ] as const)('%s (%s): a bad %j names the field', (event, name, path, value, field) => {
    const payload = gitlabFixture(name);
    let parent: JsonObject = payload;
    for (const key of path.slice(0, -1)) parent = parent[key] as JsonObject;
    parent[path[path.length - 1] as string] = value;
    const problem = problemOf(event, payload);
    expect(problem.startsWith(`${event} without a valid ${field} (`)).toBe(true);
    expect(problem.length).toBeLessThanOrEqual(300);
  });

  it('reads prototype keys as plain data, polluting nothing', () => {
    const payload = JSON.parse(
      readFileSync(join(FIXTURES, 'note-mr-command.json'), 'utf8').replace(
        '"object_kind"',
        '"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "object_kind"',
      ),
    ) as unknown;
    const project = JSON.parse('{"__proto__": {"id": 2}}') as unknown;

    expect(mapped('Note Hook', payload).event).toMatchObject({ kind: 'command', commentId: 77001 });
    expect(problemOf('Note Hook', { ...gitlabFixture('note-mr-command'), project })).toMatch(
      /^Note Hook without a valid project\.id/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws on mutated fixtures: each one maps, is left alone, or names a problem', () => {
    const random = seededRandom(20261201);
    const seeds: [GitLabWebhookEvent, string, Path[]][] = [
      ['Push Hook', 'push-branch', [['ref'], ['before'], ['after'], ['user_id'], ['user_username'], ['project']]],
      ['Tag Push Hook', 'tag-push', [['ref'], ['after'], ['project', 'default_branch']]],
      [
        'Merge Request Hook',
        'mr-update',
        [
          ['object_attributes', 'iid'],
          ['object_attributes', 'oldrev'],
          ['object_attributes', 'last_commit'],
          ['changes'],
        ],
      ],
      [
        'Note Hook',
        'note-mr-command',
        [['object_attributes', 'note'], ['object_attributes', 'noteable_type'], ['merge_request', 'iid'], ['user']],
      ],
      [
        'Issue Hook',
        'issue-edit-tick',
        [
          ['object_attributes', 'description'],
          ['object_attributes', 'action'],
          ['object_attributes', 'updated_at'],
          ['changes', 'description'],
          ['user'],
        ],
      ],
    ];
    let problems = 0;
    for (let round = 0; round < 500; round += 1) {
      const [event, name, targets] = seeds[round % seeds.length] as (typeof seeds)[number];
      const payload = gitlabFixture(name);
      const done = mutatePayload(payload, targets, random);
      const result = parseGitLabWebhook(event, payload);
      if (!result.ok) {
        problems += 1;
        expect({ done, problem: result.problem }).toEqual({
          done,
          problem: expect.stringMatching(new RegExp(`^${event} without a valid [\\w.]+`)),
        });
        expect(result.problem.length).toBeLessThanOrEqual(300);
      }
    }
    expect(problems).toBeGreaterThan(125);
  });
});
