import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { wouldDo } from '../../src/cli/commands/hook.js';
import { commitFiles, makeRepo, runIn, type TestRepo } from '../helpers/git-repo.js';
import { PATHS, tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';

const ZERO = '0'.repeat(40);
const DEBIAN = `${PATHS.MAIN}/debian/serial`;
const TORPROJECT = `${PATHS.MAIN}/torproject/serial`;
const FROZEN = { [DEBIAN]: '2021042701\n', [TORPROJECT]: '2021042701\n' };

let work: TestRepo & { commit: string };
let bare: string;
let root: string;

/** Makes a commit in the work repository and copies its objects (not the branch) into the bare one. */
async function pushed(files: Parameters<typeof commitFiles>[1], message: string): Promise<string> {
  const sha = await commitFiles(work, files, message);
  await work.git(['push', '--quiet', bare, `${sha}:refs/incoming/${sha}`]);
  return sha;
}

async function setBranch(branch: string, sha: string): Promise<void> {
  await runIn(bare, work.env, ['update-ref', `refs/heads/${branch}`, sha]);
}

function hook(name: string, stdin: string, extraEnv: NodeJS.ProcessEnv = {}, args: string[] = []) {
  return runCli(['hook', name, ...args], { env: { ...work.env, GIT_DIR: bare, ...extraEnv }, stdin, cwd: root });
}

beforeEach(async () => {
  work = await makeRepo(tailsTree());
  root = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-bare-'));
  bare = join(root, 'server.git');
  await runIn(root, work.env, ['clone', '--quiet', '--bare', work.dir, bare]);
});
afterEach(async () => {
  await work.cleanup();
  await rm(root, { recursive: true, force: true });
});

describe('hook pre-receive', () => {
  it('rejects a push that freezes devel, printing the findings with their files', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    const run = await hook('pre-receive', `${work.commit} ${frozen} refs/heads/devel\n`);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `apt-snapshots-bot: rejecting the push to devel (${work.commit.slice(0, 10)}..${frozen.slice(0, 10)}): it would bring 2 error(s):\n  error    ${DEBIAN}  devel was left frozen`,
    );
    expect(run.stderr).toContain(`\n  error    ${TORPROJECT}  devel was left frozen`);
  });

  it('rejects a push to devel that relaxes the rules and pins a serial: the rules before the push judge it', async () => {
    const relaxed = await pushed(
      { '.github/apt-snapshots.yml': 'branches:\n  development: []\n', [DEBIAN]: '2021042701\n' },
      'Relax the rules and pin',
    );
    const run = await hook('pre-receive', `${work.commit} ${relaxed} refs/heads/devel\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error    ${DEBIAN}  devel was left frozen`);
    expect(run.stderr).toContain(
      'notice   .github/apt-snapshots.yml  This change edits the rules: .github/apt-snapshots.yml at this commit differs from the rules that judge it',
    );
    expect(run.stderr).toContain('branches.development: ["devel"] → []');
  });

  it('applies rules once they have landed: the next push is judged under them', async () => {
    const relaxed = await pushed({ '.github/apt-snapshots.yml': 'branches:\n  development: []\n' }, 'Relax the rules');
    await setBranch('devel', relaxed);
    const pinned = await pushed({ [DEBIAN]: '2021042701\n' }, 'Pin');
    const run = await hook('pre-receive', `${relaxed} ${pinned} refs/heads/devel\n`);
    expect(run.stderr).not.toContain('devel was left frozen');
    expect(run.code).toBe(0);
  });

  it('rejects a push that brings an invalid rules file, naming the field', async () => {
    const broken = await pushed({ '.github/apt-snapshots.yml': 'branches:\n  development: [nope]\n' }, 'Break');
    const run = await hook('pre-receive', `${work.commit} ${broken} refs/heads/devel\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'the rules file at this commit is invalid: .github/apt-snapshots.yml: branches.development[0]',
    );
  });

  it.each([
    ['repairs', { '.github/apt-snapshots.yml': 'branches:\n  development: [devel]\n' }],
    ['removes', { '.github/apt-snapshots.yml': null }],
  ])('accepts a push that %s the invalid rules file that judges it', async (_what, files) => {
    const broken = await pushed({ '.github/apt-snapshots.yml': 'branches:\n  bogus: 1\n' }, 'Break');
    await setBranch('devel', broken);
    const mended = await pushed(files, 'Mend the rules');
    const run = await hook('pre-receive', `${broken} ${mended} refs/heads/devel\n`);
    expect(run.stderr).toContain('The rules that judged this push are invalid (not blocking');
    expect(run.code).toBe(0);
  });

  // The default branch's rules (the server's HEAD) decide that feature/1234-foo is a topic branch,
  // whatever a file it carries says.
  it('rejects a topic branch that made itself a base branch with its own rules, judged under its base branch', async () => {
    await work.git(['checkout', '--quiet', '-b', 'feature/1234-foo']);
    const promoted = await pushed(
      {
        '.github/apt-snapshots.yml':
          "branches:\n  port_pattern: '^feature/'\npaths:\n  base_branch: .github/base\nsnapshot_sets:\n  - { name: main, dir: decoy, freeze_exceptions: [], thaws: true }\n",
        '.github/base': 'feature/1234-foo\n',
      },
      'Make this branch a base branch',
    );
    await setBranch('feature/1234-foo', promoted);
    const pinned = await pushed({ [DEBIAN]: 'garbage\n' }, 'Pin');
    const run = await hook('pre-receive', `${promoted} ${pinned} refs/heads/feature/1234-foo\n`);
    expect(run.stderr).toContain(`error    ${DEBIAN}`);
    expect(run.code).toBe(1);
  });

  it('judges a new branch under the default branch’s rules, never those of a commit in the same push', async () => {
    await work.git(['checkout', '--quiet', '-b', 'testing']);
    const relax = await pushed(
      { '.github/apt-snapshots.yml': 'branches:\n  base: [stable, devel]\n  release: [stable]\n' },
      'Make testing a topic branch',
    );
    const thawed = await pushed({ 'config/base_branch': 'testing\n', [DEBIAN]: '2021042701\n' }, 'Half-freeze testing');
    const run = await hook('pre-receive', `${ZERO} ${thawed} refs/heads/testing\n`);
    expect(run.stderr).toContain('Rules: the defaults (no .github/apt-snapshots.yml at');
    expect(run.stderr).toContain('(the default branch)');
    expect(run.stderr).toContain('testing is partially frozen');
    expect(run.stderr).toContain('notice   .github/apt-snapshots.yml  This change edits the rules');
    expect(run.code).toBe(1);
    expect(relax).not.toBe(thawed);
  });

  it('keeps a release branch one whatever its own rules came to say: the default branch’s rules decide', async () => {
    await work.git(['checkout', '--quiet', '-b', 'testing']);
    const frozen = await pushed({ ...FROZEN, 'config/base_branch': 'testing\n' }, 'Freeze testing');
    await setBranch('testing', frozen);
    const relax = await pushed(
      { '.github/apt-snapshots.yml': 'branches:\n  base: [stable, devel]\n  release: [stable]\n' },
      'Make testing a topic branch',
    );
    expect((await hook('pre-receive', `${frozen} ${relax} refs/heads/testing\n`)).code).toBe(0);
    await setBranch('testing', relax);
    const thawed = await pushed({ [DEBIAN]: 'latest\n' }, 'Thaw debian');
    const run = await hook('pre-receive', `${relax} ${thawed} refs/heads/testing\n`);
    expect(run.stderr).toContain(`error    ${DEBIAN}`);
    expect(run.code).toBe(1);
  });

  it('judges under --config when given, whatever the repository holds', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    const config = join(root, 'rules.yml');
    await writeFile(config, 'branches:\n  development: []\n');
    const run = await runCli(['hook', 'pre-receive', '--config', config], {
      env: { ...work.env, GIT_DIR: bare },
      stdin: `${work.commit} ${frozen} refs/heads/devel\n`,
      cwd: root,
    });
    expect(run.stderr).not.toContain('devel was left frozen');
    expect(run.code).toBe(0);
  });

  it('accepts a new topic branch forked before its base was frozen anew, which changed no serial', async () => {
    await pushed({ 'config/base_branch': 'testing\n', ...FROZEN }, 'Freeze for 4.19~rc1');
    await work.git(['checkout', '--quiet', '-b', 'bugfix/1234-foo']);
    const topic = await pushed({ README: 'fix\n' }, 'Fix a bug');
    await work.git(['checkout', '--quiet', 'devel']);
    const refrozen = await pushed({ [DEBIAN]: '2021051301\n', [TORPROJECT]: '2021051301\n' }, 'Freeze for 4.20~rc1');
    await setBranch('testing', refrozen);
    const run = await hook('pre-receive', `${ZERO} ${topic} refs/heads/bugfix/1234-foo\n`);
    expect(run.stderr).toBe(
      `apt-snapshots-bot: bugfix/1234-foo (new branch at ${topic.slice(0, 10)}): no new error\nRules: the defaults (no .github/apt-snapshots.yml at ${refrozen.slice(0, 7)}) (the base branch)\n`,
    );
    expect(run.code).toBe(0);
  });

  it('accepts a push that leaves an old error alone, and shows it', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    await setBranch('devel', frozen);
    const readme = await pushed({ README: 'hello\n' }, 'Unrelated');
    const run = await hook('pre-receive', `${frozen} ${readme} refs/heads/devel\n`);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `apt-snapshots-bot: devel (${frozen.slice(0, 10)}..${readme.slice(0, 10)}): no new error\nAlready wrong before this push, in files it does not change (not blocking):\n  error    ${DEBIAN}`,
    );
  });

  it('rejects a push that changes a file with an old error without fixing it', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    await setBranch('devel', frozen);
    const touched = await pushed({ [DEBIAN]: '2021042701' }, 'Drop the newline');
    const run = await hook('pre-receive', `${frozen} ${touched} refs/heads/devel\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`it would bring 1 error(s):\n  error    ${DEBIAN}`);
    expect(run.stderr).toContain(`not blocking):\n  error    ${TORPROJECT}`);
  });

  it('accepts a push that fixes the state', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    await setBranch('devel', frozen);
    const thawed = await pushed({ [DEBIAN]: 'latest\n', [TORPROJECT]: 'latest\n' }, 'Thaw');
    const run = await hook('pre-receive', `${frozen} ${thawed} refs/heads/devel\n`);
    expect(run).toEqual({
      code: 0,
      stdout: '',
      stderr: `apt-snapshots-bot: devel (${frozen.slice(0, 10)}..${thawed.slice(0, 10)}): no new error\nRules: the defaults (no .github/apt-snapshots.yml at ${frozen.slice(0, 7)}) (the commit before the push)\n`,
    });
  });

  it('judges a new branch against its base branch in the bare repository, rejecting any error', async () => {
    await work.git(['checkout', '--quiet', '-b', 'feature/1234-foo']);
    const topic = await pushed({ [DEBIAN]: '2021042701\n' }, 'Pin debian');
    const ok = await hook('pre-receive', `${ZERO} ${topic} refs/heads/feature/1234-foo\n`);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(
      `apt-snapshots-bot: feature/1234-foo (new branch at ${topic.slice(0, 10)}): no new error\nAlso:\n  warning  ${DEBIAN}`,
    );
    const broken = await pushed({ 'config/base_branch': 'nope\n' }, 'Base on nothing');
    const run = await hook('pre-receive', `${ZERO} ${broken} refs/heads/feature/1234-foo\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('  error    config/base_branch');
  });

  it('ignores deletions and tags, and rejects if any branch of the push is wrong', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    const ignored = await hook(
      'pre-receive',
      `${work.commit} ${ZERO} refs/heads/devel\n${ZERO} ${frozen} refs/tags/4.19\n`,
    );
    expect(ignored).toEqual({ code: 0, stdout: '', stderr: '' });
    const run = await hook(
      'pre-receive',
      `${ZERO} ${work.commit} refs/heads/other\n${work.commit} ${frozen} refs/heads/devel\n`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('apt-snapshots-bot: other (new branch at');
    expect(run.stderr).toContain('rejecting the push to devel');
  });

  // A branch named Devel would be judged as a topic branch, letting a frozen devel through under another name.
  it('rejects a push to a branch that differs from a base branch only in letter case, judging the others', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    const run = await hook(
      'pre-receive',
      `${ZERO} ${frozen} refs/heads/Devel\n${ZERO} ${work.commit} refs/heads/other\n`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'apt-snapshots-bot: rejecting the push: the pushed branch refs/heads/Devel: "Devel" only looks like the base branch devel (letter case or invisible characters), and Git\'s branch names are exact: did you mean devel?\n',
    );
    expect(run.stderr).toContain('apt-snapshots-bot: other (new branch at');
    const post = await hook('post-receive', `${ZERO} ${frozen} refs/heads/Devel\n`);
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('apt-snapshots-bot: not judging the push: the pushed branch refs/heads/Devel: ');
  });

  it('--quiet shows errors only, and nothing for a push that brings none', async () => {
    await work.git(['checkout', '--quiet', '-b', 'feature/1234-foo']);
    const topic = await pushed({ [DEBIAN]: '2021042701\n' }, 'Pin debian');
    expect(await hook('pre-receive', `${ZERO} ${topic} refs/heads/feature/1234-foo\n`, {}, ['--quiet'])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const frozen = await pushed(FROZEN, 'Freeze');
    const run = await hook('pre-receive', `${work.commit} ${frozen} refs/heads/devel\n`, {}, ['-q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^apt-snapshots-bot: rejecting the push to devel /);
    expect(run.stderr).not.toMatch(/^ {2}(warning|notice) /m);
  });

  it('finds the repository from a relative GIT_DIR', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    const run = await runCli(['hook', 'pre-receive'], {
      env: { ...work.env, GIT_DIR: basename(bare) },
      cwd: dirname(bare),
      stdin: `${work.commit} ${frozen} refs/heads/devel\n`,
    });
    expect(run.code).toBe(1);
  });

  it.each<[string, NodeJS.ProcessEnv, string, string]>([
    ['without GIT_DIR', { GIT_DIR: '' }, '', 'GIT_DIR is not set: run this as a hook of a Git repository'],
    [
      'with a malformed line',
      {},
      'not a ref update\n',
      'standard input line 1 "not a ref update" is not "OLD-ID NEW-ID REFNAME"',
    ],
    [
      'with an object the repository lacks',
      {},
      `${ZERO} ${'e'.repeat(40)} refs/heads/x\n`,
      `revision "${'e'.repeat(40)}" does not exist`,
    ],
  ])('is an error (exit 2) %s', async (_name, env, stdin, message) => {
    const run = await hook('pre-receive', stdin, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('hook post-receive', () => {
  it('says what the bot would do for each pushed branch', async () => {
    const frozen = await pushed(FROZEN, 'Freeze');
    const run = await hook(
      'post-receive',
      `${work.commit} ${frozen} refs/heads/devel\n${ZERO} ${work.commit} refs/heads/other\n`,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^apt-snapshots-bot: devel \\(${work.commit.slice(0, 10)}\\.\\.${frozen.slice(0, 10)}\\): failure \\(2 errors, 0 warnings, 0 notices\\)\\n {2}devel: devel was left frozen: .*: would open a thaw pull request\\n`,
      ),
    );
    expect(run.stdout).toContain(
      `apt-snapshots-bot: other (new branch at ${work.commit.slice(0, 10)}): success (0 errors, 0 warnings, 0 notices)\n  other: nothing to do\n`,
    );
  });
});

describe('wouldDo', () => {
  it.each([
    [[], ['devel: nothing to do']],
    [[{ rule: 'r', severity: 'warning', path: 'p', message: 'just a warning.' }], ['devel: nothing to do']],
    [
      [
        { rule: 'tracks-latest', severity: 'error', path: 'a', message: 'devel was left frozen.', fix: 'thaw' },
        { rule: 'tracks-latest', severity: 'error', path: 'b', message: 'devel was left frozen again.', fix: 'thaw' },
        { rule: 'snapshot-expiry', severity: 'warning', path: 'c', message: 'expires soon.', fix: 'bump' },
      ],
      [
        'devel: devel was left frozen: would open a thaw pull request',
        'devel: expires soon: would open a bump pull request',
      ],
    ],
    [
      [{ rule: 'base-branch-file', severity: 'error', path: 'config/base_branch', message: 'names testing' }],
      ['devel: would report 1 error(s) that no planner fixes, e.g. config/base_branch: names testing'],
    ],
  ] as const)('%j', (findings, lines) => {
    expect(wouldDo('devel', [...findings])).toEqual(lines);
  });
});
