import { subjectMarker } from '../../src/report/check-subject.js';
import { guardNock } from '../helpers/nock-guard.js';
import { mockCreateBranch, mockFindPullRequest, mockOpenPullRequest } from '../helpers/github-rest.js';
import { deliver, fixture, testProbot } from '../helpers/probot-app.js';
import { githubApi, rev, SHA, TREES } from './scenario.js';

guardNock();

const CHECK = 'APT snapshots';
const EXISTING = { id: 6001, annotationsCount: 0 };

type CheckRunPayload = { check_run: { output: { summary: string } } };

describe('check_run.rerequested', () => {
  it('judges the push again with the revision before it that the check recorded, then looks after devel', async () => {
    const api = githubApi({
      [SHA.develAfter]: rev(TREES.develThawed, SHA.develAfter),
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
    });
    api.read();
    const written = api.check(SHA.develAfter, CHECK, { existing: EXISTING });
    mockFindPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel');

    await deliver(await testProbot(), 'check_run', fixture('check-run-rerequested'));

    expect(api.revisionsRead()).toEqual([[SHA.develAfter, SHA.develBefore]]);
    expect(written[0]).toMatchObject({ conclusion: 'success' });
  });

  it('judges a pull request again against where its base is now', async () => {
    const api = githubApi({
      [SHA.prHead]: rev(TREES.develThawed, SHA.prHead),
      'refs/heads/devel': rev(TREES.develThawed, SHA.develTip),
    });
    api.read();
    const written = api.check(SHA.prHead, 'APT snapshots (pull request)', { existing: EXISTING });

    await deliver(await testProbot(), 'check_run', fixture('check-run-rerequested-pull-request'));

    expect(api.revisionsRead()).toEqual([[SHA.prHead, 'refs/heads/devel']]);
    expect((written[0] as { output: { summary: string } }).output.summary).toContain('into `devel` at `ddddddd`');
  });

  it("leaves other apps' check runs alone, without a request", async () => {
    await deliver(await testProbot(), 'check_run', fixture('check-run-rerequested-other-app'));
  });
});

describe('check_run.requested_action ("Fix it")', () => {
  it('opens the thaw pull request from the branch tip and says so on the check', async () => {
    const api = githubApi({
      'refs/heads/devel': rev(TREES.develFrozen, SHA.develAfter),
      [SHA.develAfter]: rev(TREES.develFrozen, SHA.develAfter),
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
    });
    api.read();
    mockCreateBranch(api.scope, 'apt-snapshots-bot/thaw-devel', SHA.develAfter);
    const prs = mockOpenPullRequest(api.scope, 'apt-snapshots-bot/thaw-devel', 'devel', 41);
    api.read();
    const written = api.check(SHA.develAfter, CHECK, { existing: EXISTING });

    await deliver(await testProbot(), 'check_run', fixture('check-run-requested-action'));

    expect(api.revisionsRead()).toEqual([['refs/heads/devel'], [SHA.develAfter, SHA.develBefore]]);
    expect((prs[0] as { body: string }).body).toMatch(
      /^Requested by @intrigeri with “Fix it” on the check of `devel` at `d1d1d1d`\./,
    );
    const summary = (written[0] as { output: { summary: string } }).output.summary;
    expect(summary).toContain(
      '**“Fix it: thaw”:** Opened pull request #41 (https://github.com/tails/tails/pull/41) to thaw `devel`.',
    );
  });

  it('says there is nothing to do when the branch was fixed meanwhile', async () => {
    const api = githubApi({
      'refs/heads/devel': rev(TREES.develThawed, SHA.develTip),
      [SHA.develAfter]: rev(TREES.develFrozen, SHA.develAfter),
      [SHA.develBefore]: rev(TREES.develThawed, SHA.develBefore),
    });
    api.read();
    api.read();
    const written = api.check(SHA.develAfter, CHECK, { existing: EXISTING });

    await deliver(await testProbot(), 'check_run', fixture('check-run-requested-action'));

    const summary = (written[0] as { output: { summary: string } }).output.summary;
    expect(summary).toContain(
      '**“Fix it: thaw”:** Nothing to thaw on `devel`: Every origin of `config/APT_snapshots.d` is already `latest`.',
    );
  });

  it("refuses to push to a fork's branch and says why", async () => {
    const payload = fixture<CheckRunPayload & { check_run: { head_sha: string } }>('check-run-requested-action');
    const subject = {
      kind: 'pull_request' as const,
      number: 15,
      branch: 'devel',
      sha: SHA.develAfter,
      baseRef: 'devel',
      baseSha: SHA.prBase,
      fromFork: true,
    };
    payload.check_run.output.summary = `old summary\n\n${subjectMarker(subject)}`;
    const api = githubApi({
      [SHA.develAfter]: rev(TREES.develFrozen, SHA.develAfter),
      'refs/heads/devel': rev(TREES.develThawed, SHA.develTip),
    });
    api.read();
    const written = api.check(SHA.develAfter, 'APT snapshots (pull request)', { existing: EXISTING });

    await deliver(await testProbot(), 'check_run', payload);

    const summary = (written[0] as { output: { summary: string } }).output.summary;
    expect(summary).toContain(
      "**“Fix it: thaw”:** Could not thaw: `devel` is a fork's branch, which the bot cannot push to.",
    );
  });

  it('ignores a button that is not one of ours', async () => {
    const payload = fixture<{ requested_action: { identifier: string } }>('check-run-requested-action');
    payload.requested_action.identifier = 'deploy';
    await deliver(await testProbot(), 'check_run', payload);
  });
});
