import type { GitLabForge } from '../../../src/adapters/gitlab/gitlab-forge.js';
import type { CheckReport } from '../../../src/ports/forge.js';
import { fakeForge, GitLabFake, startGitLabFake } from '../../helpers/gitlab-fake.js';
import type { GitLabStandIn } from '../../helpers/gitlab-stand-in.js';

let standIn: GitLabStandIn;
let fake: GitLabFake;
let forge: GitLabForge;
let sha: string;

beforeEach(async () => {
  ({ standIn, fake } = await startGitLabFake());
  ({ forge } = fakeForge(standIn, fake));
  sha = fake.commit({ files: { 'config/APT_snapshots.d/debian/serial': '2024050101\n' }, branch: 'main' });
});

afterEach(async () => {
  expect(standIn.unexpected).toEqual([]);
  expect(standIn.unauthorized).toEqual([]);
  await standIn.close();
});

function report(fields: Partial<CheckReport> = {}): CheckReport {
  return {
    name: 'APT snapshots',
    headSha: sha,
    conclusion: 'success',
    title: 'All APT snapshots are fine',
    summary: 'Nothing to do.',
    annotations: [],
    fixes: [],
    ...fields,
  };
}

const posts = () =>
  standIn.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/projects/tails/tails/statuses'));

describe('GitLabForge.ensureCheck: the commit status', () => {
  it('posts a status named for the check, with its title as description and the commit as link', async () => {
    const result = await forge.ensureCheck(report());

    expect(fake.statuses).toEqual([
      expect.objectContaining({
        sha,
        name: 'APT snapshots',
        status: 'success',
        description: 'All APT snapshots are fine',
        target_url: `${fake.webUrl}/-/commit/${sha}`,
      }),
    ]);
    expect(result).toEqual({ id: fake.statuses[0]?.id, url: `${fake.webUrl}/-/commit/${sha}` });
    expect(posts()[0]?.url).toBe(`/api/v4/projects/tails%2Ftails/statuses/${sha}`);
  });

  it.each([
    [{ conclusion: 'failure' }, 'failed', 'All APT snapshots are fine'],
    [{ conclusion: 'action_required' }, 'failed', 'All APT snapshots are fine'],
    [{ conclusion: 'neutral' }, 'success', 'neutral: All APT snapshots are fine'],
    [{ pending: 'queued' }, 'pending', 'All APT snapshots are fine'],
    [{ pending: 'in_progress' }, 'running', 'All APT snapshots are fine'],
  ] as const)('maps %j to the state %s', async (fields, state, description) => {
    await forge.ensureCheck(report(fields));

    expect(fake.statuses).toEqual([expect.objectContaining({ status: state, description })]);
  });

  it('cuts a title longer than 255 characters on a character, ending it with "…"', async () => {
    const title = `${'a'.repeat(253)}😀😀 and more`;

    await forge.ensureCheck(report({ title }));

    const description = fake.statuses[0]?.description ?? '';
    expect(Array.from(description)).toHaveLength(255);
    expect(description).toBe(`${'a'.repeat(253)}😀…`);
  });

  it('keeps a title of exactly 255 characters whole', async () => {
    await forge.ensureCheck(report({ title: 'b'.repeat(255) }));

    expect(fake.statuses[0]?.description).toBe('b'.repeat(255));
  });

  it('links to the details URL when there is one', async () => {
    await forge.ensureCheck(report({ detailsUrl: 'https://jenkins.example/job/1' }));

    expect(fake.statuses[0]?.target_url).toBe('https://jenkins.example/job/1');
  });

  it("posts nothing when the bot's latest status already says the same", async () => {
    const first = await forge.ensureCheck(report({ conclusion: 'failure' }));
    const again = await forge.ensureCheck(report({ conclusion: 'failure' }));

    expect(again).toEqual(first);
    expect(posts()).toHaveLength(1);
    expect(fake.statuses).toHaveLength(1);
  });

  it('posts the same verdict again for the same commit on another branch, which has its own pipeline', async () => {
    fake.branches.set('feature/x', sha);
    await forge.ensureCheck(report({ ref: 'main' }));
    await forge.ensureCheck(report({ ref: 'feature/x' }));
    await forge.ensureCheck(report({ ref: 'feature/x' }));

    expect(fake.statuses.map((s) => s.ref)).toEqual(['main', 'feature/x']);
    expect(posts()).toHaveLength(2);
  });

  it("posts a new status when the verdict changed, which GitLab shows as the latest, under the check's first id", async () => {
    const first = await forge.ensureCheck(report({ conclusion: 'failure' }));
    const changed = await forge.ensureCheck(report());
    const again = await forge.ensureCheck(report());

    expect(fake.statuses.map((s) => s.status)).toEqual(['failed', 'success']);
    expect([changed.id, again.id]).toEqual([first.id, first.id]);
    expect(posts()).toHaveLength(2);
    expect(standIn.requests.filter((r) => r.path.endsWith('/statuses')).map((r) => r.query.get('all'))).toEqual([
      'true',
      'true',
      'true',
    ]);
  });

  it("does not take another user's status of the same name for its own", async () => {
    const person = fake.addUser({ id: 31, username: 'anonym' });
    fake.statuses.push({
      id: 1,
      sha,
      ref: 'main',
      name: 'APT snapshots',
      status: 'success',
      description: 'All APT snapshots are fine',
      target_url: `${fake.webUrl}/-/commit/${sha}`,
      author: fake.ref(person),
      created_at: fake.now(),
    });

    await forge.ensureCheck(report());

    expect(posts()).toHaveLength(1);
  });

  it('moves a pending status on to running, in place', async () => {
    const queued = await forge.ensureCheck(report({ pending: 'queued' }));
    const running = await forge.ensureCheck(report({ pending: 'in_progress' }));

    expect(running.id).toBe(queued.id);
    expect(fake.statuses).toEqual([expect.objectContaining({ status: 'running' })]);
  });

  it("takes GitLab's refusal to set a running status running again as unchanged", async () => {
    const first = await forge.ensureCheck(report({ pending: 'in_progress', title: 'Starting' }));
    const again = await forge.ensureCheck(report({ pending: 'in_progress', title: 'Still starting' }));

    expect(again).toEqual(first);
    expect(posts()).toHaveLength(2);
    expect(fake.statuses).toHaveLength(1);
  });

  it('refuses a head that is not a full sha, naming it', async () => {
    await expect(forge.ensureCheck(report({ headSha: 'main' }))).rejects.toThrow('headSha "main"');
    expect(standIn.requests).toEqual([]);
  });

  it('fails as a gone ForgeError naming the operation when the commit is unknown', async () => {
    const error = await forge.ensureCheck(report({ headSha: 'f'.repeat(40) })).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'ForgeError',
      forge: 'GitLab',
      operation: 'ensureCheck',
      status: 404,
      gone: true,
    });
    expect(String(error)).toContain('GitLab ensureCheck:');
  });
});

describe('GitLabForge.ensureCheck on a merge request: the note', () => {
  let iid: number;
  let older: string;
  beforeEach(() => {
    older = sha;
    // The merge request's head, which its checks judge.
    sha = fake.commit({ parent: sha, branch: 'topic' });
    iid = fake.addMergeRequest({ source_branch: 'topic', target_branch: 'main' }).iid;
  });

  it('leaves the note to the head: a verdict on a commit the merge request moved past gets its status alone', async () => {
    await forge.ensureCheck(failing());
    const note = fake.mergeRequests[0]?.notes[0]?.body;

    const late = await forge.ensureCheck({ ...failing(), headSha: older, title: 'An older verdict' });

    expect(fake.mergeRequests[0]?.notes.map((n) => n.body)).toEqual([note]);
    expect(fake.statuses.find((s) => s.sha === older)?.description).toBe('An older verdict');
    expect(late.url).toBe(`${fake.webUrl}/-/commit/${older}`);
  });

  const failing = () =>
    report({
      conclusion: 'failure',
      title: 'A snapshot is frozen past its expiry',
      summary: 'The **debian** snapshot expires soon.',
      changeRequest: iid,
      annotations: [
        {
          path: 'config/APT snapshots.d/debian/serial',
          line: 1,
          level: 'failure',
          title: 'Expired',
          message: 'Bump it.\nOr thaw it.',
        },
      ],
      fixes: [
        {
          label: 'Fix it: bump',
          description: 'bump',
          identifier: 'fix-bump',
          command: '/apt-snapshots fix bump debian',
        },
        { label: 'odd', description: 'odd', identifier: 'odd', command: 'odd `quote`' },
      ],
    });

  it('writes one note with the marker, title, summary, linked findings and commands, and links the status to it', async () => {
    const result = await forge.ensureCheck(failing());

    const note = fake.mergeRequests[0]?.notes[0];
    const noteUrl = `${fake.webUrl}/-/merge_requests/${iid}#note_${note?.id}`;
    expect(note?.body).toBe(
      [
        '<!-- apt-snapshots-bot:check:APT-snapshots -->',
        '### APT snapshots: A snapshot is frozen past its expiry',
        'The **debian** snapshot expires soon.',
        [
          '#### Findings',
          `- **failure** [\`config/APT snapshots.d/debian/serial:1\`](${fake.webUrl}/-/blob/${sha}/config/APT%20snapshots.d/debian/serial#L1) Expired: Bump it.`,
          '  Or thaw it.',
        ].join('\n'),
        ['To fix it, comment:', '- `/apt-snapshots fix bump debian`', '- `` odd `quote` ``'].join('\n'),
      ].join('\n\n'),
    );
    expect(fake.statuses[0]?.target_url).toBe(noteUrl);
    expect(result).toEqual({ id: fake.statuses[0]?.id, url: noteUrl });
  });

  it("files the status under the branch judged, or a fork's merge request under the merge request's own ref", async () => {
    await forge.ensureCheck({ ...failing(), ref: 'topic' });
    await forge.ensureCheck({ ...failing(), name: 'APT snapshots (pull request)' });

    expect(posts().map((r) => (r.body as { ref?: string }).ref)).toEqual(['topic', `refs/merge-requests/${iid}/head`]);
  });

  it('keeps the verdict in the note when GitLab files the status under no ref of the project', async () => {
    standIn.on('POST', '/projects/:id/statuses/:sha', () => ({
      status: 404,
      body: { message: '404 References for commit Not Found' },
    }));

    const result = await forge.ensureCheck(failing());

    const note = fake.mergeRequests[0]?.notes[0];
    expect(note?.body).toContain('A snapshot is frozen past its expiry');
    expect(result.url).toBe(`${fake.webUrl}/-/merge_requests/${iid}#note_${note?.id}`);
    await expect(forge.ensureCheck({ ...failing(), changeRequest: undefined })).rejects.toMatchObject({ status: 404 });
  });

  it('mentions nobody and keeps links whole, whatever names a fork gives its files', async () => {
    await forge.ensureCheck(
      report({
        conclusion: 'failure',
        changeRequest: iid,
        summary: 'pins `x` in config/APT_snapshots.d/@all, cc @tails/maintainers',
        annotations: [
          {
            path: 'config/APT_snapshots.d/x] @all [y/serial',
            line: 1,
            level: 'failure',
            title: 'Invalid',
            message: '@all pins x',
          },
        ],
      }),
    );

    const body = fake.mergeRequests[0]?.notes[0]?.body ?? '';
    expect(body).not.toMatch(/@(?!\u200b)/);
    expect(body).toContain('[`config/APT_snapshots.d/x] @\u200ball [y/serial:1`](');
    expect(body).toContain('cc @\u200btails/maintainers');
  });

  it('edits the note in place on the next push, and writes nothing when it says the same', async () => {
    await forge.ensureCheck(failing());
    const id = fake.mergeRequests[0]?.notes[0]?.id;
    await forge.ensureCheck(failing());
    await forge.ensureCheck({ ...failing(), conclusion: 'success', title: 'Fixed', annotations: [], fixes: [] });

    const notes = fake.mergeRequests[0]?.notes ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]?.id).toBe(id);
    expect(notes[0]?.body).toContain('### APT snapshots: Fixed');
    const writes = standIn.requests.filter((r) => r.method !== 'GET' && r.path.includes('/notes'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PUT']);
  });

  it("cuts the summary of a note longer than GitLab's limit, keeping the markers, findings and fixes", async () => {
    const marker = '<!-- apt-snapshots-bot subject {"kind":"push"} -->';
    await forge.ensureCheck({ ...failing(), summary: `${'x\n'.repeat(500_050)}${marker}` });

    const body = fake.mergeRequests[0]?.notes[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(1_000_000);
    expect(body.length).toBeGreaterThan(999_000);
    expect(body.startsWith('<!-- apt-snapshots-bot:check:APT-snapshots -->')).toBe(true);
    expect(body).toMatch(
      /\nx\n\n\*\(Summary cut to GitLab's limit on a note: \d+ more characters not shown\.\)\*\n\n<!-- apt-snapshots-bot subject \{"kind":"push"\} -->\n\n#### Findings\n/,
    );
    expect(body).toMatch(/To fix it, comment:\n- `\/apt-snapshots fix bump debian`\n/);
  });

  it('keeps the details URL as the status link, and answers with the note', async () => {
    const result = await forge.ensureCheck({ ...failing(), detailsUrl: 'https://jenkins.example/job/2' });

    expect(fake.statuses[0]?.target_url).toBe('https://jenkins.example/job/2');
    expect(result.url).toMatch(/#note_\d+$/);
  });
});

describe('GitLabForge.latestCheck', () => {
  it('is undefined when the bot has no status of that name there', async () => {
    await expect(forge.latestCheck(sha, 'APT snapshots')).resolves.toBeUndefined();
  });

  it.each([
    [{ conclusion: 'success' }, 'success'],
    [{ conclusion: 'failure' }, 'failure'],
    [{ conclusion: 'neutral' }, 'neutral'],
    [{ pending: 'queued' }, 'queued'],
    [{ pending: 'in_progress' }, 'in_progress'],
  ] as const)('answers the newest status of %j as %s', async (fields, conclusion) => {
    await forge.ensureCheck(report(fields));

    await expect(forge.latestCheck(sha, 'APT snapshots')).resolves.toEqual({
      sha,
      conclusion,
      url: `${fake.webUrl}/-/commit/${sha}`,
    });
  });

  it('resolves a branch or a tag to its commit first, as GitLab matches statuses by sha', async () => {
    await forge.ensureCheck(report({ conclusion: 'failure' }));
    await forge.ensureCheck(report());

    await expect(forge.latestCheck('main', 'APT snapshots')).resolves.toEqual(
      expect.objectContaining({ sha, conclusion: 'success' }),
    );
    expect(standIn.requests.at(-2)?.url).toBe('/api/v4/projects/tails%2Ftails/repository/commits/main');
  });

  it('answers the status filed under that branch or tag, not a newer one of the same commit under another', async () => {
    fake.branches.set('feature/x', sha);
    await forge.ensureCheck(report({ ref: 'main', conclusion: 'failure' }));
    await forge.ensureCheck(report({ ref: 'feature/x' }));

    await expect(forge.latestCheck('main', 'APT snapshots')).resolves.toEqual(
      expect.objectContaining({ conclusion: 'failure' }),
    );
    await expect(forge.latestCheck('feature/x', 'APT snapshots')).resolves.toEqual(
      expect.objectContaining({ conclusion: 'success' }),
    );
  });
});

it('the fake rejects a description GitLab would refuse', async () => {
  const reply = await fetch(`${standIn.url}/api/v4/projects/tails%2Ftails/statuses/${sha}`, {
    method: 'POST',
    headers: { 'private-token': standIn.token, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'success', description: 'c'.repeat(256) }),
  });
  expect(reply.status).toBe(400);
});
