import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPerTest, type TestRepo } from '../helpers/git-repo.js';
import { runCli } from './helpers/run-cli.js';

const repo = repoPerTest();

async function tagged(tags: string[]): Promise<TestRepo> {
  const r = await repo({ README: 'Tails\n' });
  for (const tag of tags) await r.git(['tag', tag]);
  return r;
}

function iukSourceVersions(r: TestRepo, args: string[]) {
  return runCli(['iuk-source-versions', '--repo', r.dir, ...args], { env: r.env });
}

describe('iuk-source-versions', () => {
  it("prints the releases of the version's major version below it, oldest first, without the ignored ones", async () => {
    const r = await tagged([
      '3.16',
      '4.2',
      '4.2.1',
      '4.18',
      '4.19-beta1',
      '4.19-rc1',
      '4.19',
      '4.20-rc1',
      '4.20',
      '4.21',
      'v4.3',
      'devel-snapshot',
    ]);
    expect(await iukSourceVersions(r, ['4.20'])).toEqual({
      code: 0,
      stdout: '4.2 4.18 4.19~rc1 4.19 4.20~rc1\n',
      stderr: '',
    });
    expect((await iukSourceVersions(r, ['4.19~rc1'])).stdout).toBe('4.2 4.18\n');
    // The tag, as a release manager types it, is read as its version, not as 4.19 with a Debian revision.
    expect(await iukSourceVersions(r, ['4.19-rc1'])).toEqual({
      code: 0,
      stdout: '4.2 4.18\n',
      stderr: 'apt-snapshots-bot iuk-source-versions: reading the tag 4.19-rc1 as the version 4.19~rc1\n',
    });
  });

  it('prints an empty line when no release comes before', async () => {
    const r = await tagged(['4.20']);
    expect(await iukSourceVersions(r, ['5.0'])).toEqual({ code: 0, stdout: '\n', stderr: '' });
  });

  it('takes release.tag_pattern and release.iuk.ignore_versions from --config', async () => {
    const r = await tagged(['4.18', '4.19', '4.19.1', '4.20-rc1']);
    expect((await iukSourceVersions(r, ['4.20'])).stdout).toBe('4.18 4.19 4.19.1 4.20~rc1\n');
    const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-iuk-'));
    try {
      const config = join(dir, 'c.yml');
      await writeFile(
        config,
        "release:\n  tag_pattern: '^[0-9]+\\.[0-9]+(-rc[0-9]+)?$'\n  iuk:\n    ignore_versions: ['4.20-rc1']\n",
      );
      expect((await iukSourceVersions(r, ['--config', config, '4.20'])).stdout).toBe('4.18 4.19\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['foo'], '"foo" is not a Debian version'],
    [[], 'VERSION is required: the version an upgrade kit goes to, e.g. 4.20'],
    [['4.20', '4.21'], 'unexpected argument "4.21"'],
  ])('%j is bad usage (exit 2)', async (args, message) => {
    const r = await tagged([]);
    const run = await iukSourceVersions(r, args);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain(`apt-snapshots-bot iuk-source-versions: ${message}`);
  });
});
