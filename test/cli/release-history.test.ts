import { cloneFixture, removeFixtureClone } from '../helpers/fixture.js';
import { hermeticGitEnv, runIn } from '../helpers/git-repo.js';
import { runCli } from './helpers/run-cli.js';

/**
 * The real releases of Tails 4.19~rc1 and 4.20, tagged on a clone of the
 * history (which has no tags) as their release manager tagged them, with
 * earlier releases around them for SOURCE_VERSIONS.
 */
const TAGS: Record<string, string> = {
  // "Mark Tails 4.19~rc1 as released.", annotated as release tags are.
  '4.19-rc1': 'b2342e1',
  // "Mark Tails 4.20 as released."
  '4.20': '4cd1a14',
};
const EARLIER = ['4.2', '4.2.1', '4.18', '4.19-beta1', '4.19', '4.20-rc1'];

let repo: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  repo = await cloneFixture();
  env = { ...hermeticGitEnv(repo), GIT_COMMITTER_NAME: 'RM', GIT_COMMITTER_EMAIL: 'rm@example.org' };
  for (const [tag, commit] of Object.entries(TAGS))
    await runIn(repo, env, ['tag', '-a', '-m', `Tails ${tag}`, tag, commit]);
  // Their commits do not matter: only their names make SOURCE_VERSIONS.
  for (const tag of EARLIER) await runIn(repo, env, ['tag', tag, 'b2342e1']);
});
afterAll(removeFixtureClone);

function releaseCheck(tag: string) {
  return runCli(['release', 'check', '--repo', repo, '--tag', tag, '--offline', '--format', 'json'], { env });
}

describe('release check on the real history', () => {
  it('passes Tails 4.20 and derives build_IUKs as its release manager typed it', async () => {
    const run = await releaseCheck('4.20');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      tag: '4.20',
      commit: '4cd1a145666b3288ef61939cdb18701fde9c5659',
      version: '4.20',
      conclusion: 'success',
      findings: [],
    });
    expect(json.manifest).toBeUndefined();
    expect(json.jobs).toEqual([
      {
        job: 'tag-apt-snapshots',
        parameters: { TAG: '4.20', BUILD_MANIFEST: '' },
        waitingFor: 'manifest',
        trigger: null,
      },
      {
        job: 'build_IUKs',
        parameters: {
          TAILS_GIT_COMMIT: '4.20',
          SOURCE_DATE_EPOCH: '1626090641',
          NEW_VERSION: '4.20',
          SOURCE_VERSIONS: '4.2 4.18 4.19~rc1 4.19 4.20~rc1',
          EXTRA_ARGS: '',
        },
        waitingFor: 'readiness',
        trigger: null,
      },
    ]);
  });

  it('passes Tails 4.19~rc1, tagged 4.19-rc1, from only the releases before it', async () => {
    const run = await releaseCheck('4.19-rc1');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      tag: '4.19-rc1',
      commit: 'b2342e191a0768245ea15f19525541ebcd398027',
      version: '4.19~rc1',
      conclusion: 'success',
      findings: [],
    });
    expect(json.jobs[1].parameters).toEqual({
      TAILS_GIT_COMMIT: '4.19-rc1',
      SOURCE_DATE_EPOCH: '1620901128',
      NEW_VERSION: '4.19~rc1',
      SOURCE_VERSIONS: '4.2 4.18',
      EXTRA_ARGS: '',
    });
  });

  it('prints what bin/iuk-source-versions prints', async () => {
    expect(await runCli(['iuk-source-versions', '--repo', repo, '4.20'], { env })).toEqual({
      code: 0,
      stdout: '4.2 4.18 4.19~rc1 4.19 4.20~rc1\n',
      stderr: '',
    });
  });

  it('fails 4.20 under a tag that is neither a release tag nor its version, naming debian/changelog', async () => {
    await runIn(repo, env, ['tag', 'wrong-4.19', '4cd1a14']);
    const run = await releaseCheck('wrong-4.19');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: { rule: string; path: string }) => `${f.rule} ${f.path}`)).toEqual([
      'release-tag debian/changelog',
      'release-tag debian/changelog',
    ]);
  });
});
