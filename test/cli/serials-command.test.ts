import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPortUrl, startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { repoPerTest } from '../helpers/git-repo.js';
import { tailsTree } from '../helpers/snapshot.js';
import { runCli } from './helpers/run-cli.js';
import { traceRoute } from './helpers/snapshot-routes.js';

const SET = 'config/APT_snapshots.d';
let cwd: string;
let server: LocalHttpServer;

beforeAll(async () => {
  server = await startHttpServer(
    Object.fromEntries([
      traceRoute('debian', '2021051302'),
      traceRoute('debian-security', '2021051303'),
      traceRoute('torproject', '2021051304'),
    ]),
  );
});
afterAll(() => server.close());

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-serials-'));
  await writeSet({ debian: '2021051301', 'debian-security': 'latest', torproject: 'latest' });
  await writeFile(join(cwd, SET, '.placeholder'), '');
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

async function writeSet(serials: Record<string, string>, dir = SET): Promise<void> {
  for (const [origin, serial] of Object.entries(serials)) {
    await mkdir(join(cwd, dir, origin), { recursive: true });
    await writeFile(join(cwd, dir, origin, 'serial'), `${serial}\n`);
  }
}

const serialOf = (origin: string, dir = SET) => readFile(join(cwd, dir, origin, 'serial'), 'utf8');
const serials = (args: string[], env: NodeJS.ProcessEnv = { APT_SNAPSHOTS_SERVER: server.url }) =>
  runCli(['serials', ...args], { cwd, env });

describe('serials cat', () => {
  it.each<[string[], string]>([
    [[], 'debian: 2021051301\ndebian-security: latest\ntorproject: latest\n'],
    [['cat'], 'debian: 2021051301\ndebian-security: latest\ntorproject: latest\n'],
    [['cat', '--print-serials-only'], '2021051301\nlatest\nlatest\n'],
    [['cat', 'torproject', 'debian'], 'debian: 2021051301\ntorproject: latest\n'],
    [['--print-serials-only', 'cat', 'debian'], '2021051301\n'],
  ])('%j', async (args, stdout) => {
    expect(await serials(args)).toEqual({ code: 0, stdout, stderr: '' });
  });

  it('refuses an origin the set lacks', async () => {
    expect(await serials(['cat', 'tails'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `apt-snapshots-bot serials: no origin "tails" in ${SET}; its origins are debian, debian-security, torproject\n`,
    });
  });

  it('names an invalid serial file', async () => {
    await writeFile(join(cwd, SET, 'debian', 'serial'), 'latest \n');
    expect(await serials(['cat'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `apt-snapshots-bot serials: ${SET}/debian/serial "latest " has surrounding whitespace\n`,
    });
  });

  it.each([
    ['latest\r\n', '"latest\\r" contains a carriage return (\\r, from Windows line ends)'],
    ['\uFEFFlatest\n', '"\\ufefflatest" contains a byte-order mark (U+FEFF)'],
  ])('refuses %j, naming the invisible character, as check does', async (content, why) => {
    await writeFile(join(cwd, SET, 'debian', 'serial'), content);
    const run = await serials(['freeze']);
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining(`${SET}/debian/serial ${why}`) });
    expect(await serialOf('debian')).toBe(content);
  });

  it('says where to run it when there is no set', async () => {
    await rm(join(cwd, 'config'), { recursive: true });
    const run = await serials(['cat']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`there is no snapshot set ${SET}`);
  });
});

describe('serials cat-json', () => {
  it('prints the set as one JSON object', async () => {
    expect(await serials(['cat-json'])).toEqual({
      code: 0,
      stdout: '{"debian":"2021051301","debian-security":"latest","torproject":"latest"}\n',
      stderr: '',
    });
  });

  it('reads another directory, relative to the current one', async () => {
    await writeSet({ debian: '2021042702', tails: '2021050302' }, 'vagrant/set');
    expect(JSON.parse((await serials(['cat-json', 'vagrant/set'])).stdout)).toEqual({
      debian: '2021042702',
      tails: '2021050302',
    });
  });

  it('takes at most one directory', async () => {
    expect((await serials(['cat-json', 'a', 'b'])).code).toBe(2);
  });
});

describe('serials get-latest', () => {
  it('asks the server from APT_SNAPSHOTS_SERVER', async () => {
    expect(await serials(['get-latest'])).toEqual({
      code: 0,
      stdout: 'debian: 2021051302\ndebian-security: 2021051303\ntorproject: 2021051304\n',
      stderr: '',
    });
    expect(await serials(['get-latest', '--print-serials-only', 'torproject'])).toEqual({
      code: 0,
      stdout: '2021051304\n',
      stderr: '',
    });
  });

  it('exits 3 naming the URL when the server is down', async () => {
    const down = await closedPortUrl();
    const run = await serials(['get-latest', 'debian'], { APT_SNAPSHOTS_SERVER: down });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${down}/debian/project/trace/debian: connection refused`);
  });
});

describe('serials freeze and thaw', () => {
  it('freezes every origin but debian-security, printing old and new', async () => {
    const before = server.requests.length;
    expect(await serials(['freeze'])).toEqual({
      code: 0,
      stdout:
        'Origin debian:\n  old: 2021051301\n  new: 2021051302\nOrigin debian-security:\n  old: latest\n  new: latest\nOrigin torproject:\n  old: latest\n  new: 2021051304\n',
      stderr: '',
    });
    expect([await serialOf('debian'), await serialOf('debian-security'), await serialOf('torproject')]).toEqual([
      '2021051302\n',
      'latest\n',
      '2021051304\n',
    ]);
    expect(
      server.requests
        .slice(before)
        .map((r) => r.url)
        .sort(),
    ).toEqual(['/debian/project/trace/debian', '/torproject/project/trace/torproject']);
  });

  it('freezes debian-security too with --freeze-debian-security, and only the named origins', async () => {
    const run = await serials(['freeze', '--freeze-debian-security', 'debian-security']);
    expect(run).toEqual({ code: 0, stdout: 'Origin debian-security:\n  old: latest\n  new: 2021051303\n', stderr: '' });
    expect([await serialOf('debian'), await serialOf('debian-security')]).toEqual(['2021051301\n', '2021051303\n']);
  });

  it('writes nothing when the server cannot answer', async () => {
    const run = await serials(['freeze'], { APT_SNAPSHOTS_SERVER: await closedPortUrl() });
    expect(run.code).toBe(3);
    expect(await serialOf('debian')).toBe('2021051301\n');
  });

  it('thaws', async () => {
    expect(await serials(['thaw', 'debian'])).toEqual({
      code: 0,
      stdout: 'Origin debian:\n  old: 2021051301\n  new: latest\n',
      stderr: '',
    });
    expect(await serialOf('debian')).toBe('latest\n');
  });

  it.each([
    [['thaw', '--freeze-debian-security'], '--freeze-debian-security does not apply to thaw'],
    [['freeze', '--print-serials-only'], '--print-serials-only does not apply to freeze'],
    [['cat', '--nope'], "Unknown option '--nope'"],
  ])('%j is bad usage', async (args, words) => {
    const run = await serials(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(words);
  });
});

describe('serials prepare-build', () => {
  const CACHED = 'tmp/cached_APT_snapshots_serials';

  it('resolves latest from the server into tmp/, leaving config/ untouched', async () => {
    expect(await serials(['prepare-build'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(join(cwd, CACHED), 'utf8')).toBe(
      'debian: 2021051301\ndebian-security: 2021051303\ntorproject: 2021051304\n',
    );
    expect([
      await serialOf('debian', 'tmp/APT_snapshots.d'),
      await serialOf('debian-security', 'tmp/APT_snapshots.d'),
      await serialOf('torproject', 'tmp/APT_snapshots.d'),
    ]).toEqual(['2021051301\n', '2021051303\n', '2021051304\n']);
    await expect(readFile(join(cwd, 'tmp/APT_snapshots.d/.placeholder'), 'utf8')).resolves.toBe('');
    expect(await serialOf('torproject')).toBe('latest\n');
  });

  it('takes serials from the JSON argument, asking the server only for the rest, and replaces an earlier copy', async () => {
    await mkdir(join(cwd, 'tmp/APT_snapshots.d/stale'), { recursive: true });
    const before = server.requests.length;
    expect((await serials(['prepare-build', '{"torproject": "2021050101"}'])).code).toBe(0);
    expect(server.requests.slice(before).map((r) => r.url)).toEqual(['/debian-security/project/trace/debian-security']);
    expect(await readFile(join(cwd, CACHED), 'utf8')).toBe(
      'debian: 2021051301\ndebian-security: 2021051303\ntorproject: 2021050101\n',
    );
    await expect(readFile(join(cwd, 'tmp/APT_snapshots.d/stale'))).rejects.toThrow();
  });

  it('needs no server when the JSON gives every latest', async () => {
    const run = await serials(['prepare-build', '{"torproject": "2021050101", "debian-security": "2021050102"}'], {
      APT_SNAPSHOTS_SERVER: await closedPortUrl(),
    });
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  // Tails' script keeps every frozen pin and uses the JSON only for the origins at latest.
  it('keeps a pinned serial the JSON contradicts, and ignores an origin the set lacks, warning about each', async () => {
    const run = await serials([
      'prepare-build',
      '{"debian": "2021050101", "tails": "2021050102", "debian-security": "2021050103", "torproject": "2021050104"}',
    ]);
    expect(run).toEqual({
      code: 0,
      stdout: '',
      stderr: [
        'apt-snapshots-bot serials: warning: the serials argument names "tails", not an origin of the set (debian, debian-security, torproject); ignored',
        `apt-snapshots-bot serials: warning: origin debian: ${SET}/debian/serial pins 2021051301, the serials argument gives 2021050101; the pinned serial is used`,
        '',
      ].join('\n'),
    });
    expect(await readFile(join(cwd, CACHED), 'utf8')).toBe(
      'debian: 2021051301\ndebian-security: 2021050103\ntorproject: 2021050104\n',
    );
    expect(await serialOf('debian', 'tmp/APT_snapshots.d')).toBe('2021051301\n');
  });

  it('works offline when nothing is left to ask', async () => {
    const json = '{"torproject": "2021050101", "debian-security": "2021050102"}';
    expect(await serials(['prepare-build', json], { APT_SNAPSHOTS_SERVER: 'offline' })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    const run = await serials(['prepare-build', '{"torproject": "2021050101"}'], { APT_SNAPSHOTS_SERVER: 'offline' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'apt-snapshots-bot serials: prepare-build needs the newest serials from the snapshot server, but APT_SNAPSHOTS_SERVER says offline',
    );
  });

  it.each([
    ['{"torproject": "latest"}', 2, 'gives "latest" for origin torproject'],
    ['not json', 2, 'the serials argument is not JSON'],
  ])('refuses %s', async (json, code, words) => {
    const run = await serials(['prepare-build', json]);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(words);
    await expect(readFile(join(cwd, CACHED))).rejects.toThrow();
  });
});

// The work tree may come from a branch anyone pushed: a symlink in it must not
// make freeze, thaw or prepare-build write outside the checkout.
describe('serials and symbolic links', () => {
  let outside: string;
  beforeEach(async () => {
    outside = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-outside-'));
  });
  afterEach(() => rm(outside, { recursive: true, force: true }));

  it.each([
    ['the set', SET],
    ['the directory above it', 'config'],
  ])('refuses %s as a symbolic link out of the checkout, writing nothing there', async (_name, linked) => {
    await rename(join(cwd, linked), join(outside, 'moved'));
    await symlink(join(outside, 'moved'), join(cwd, linked));
    for (const action of ['thaw', 'cat']) {
      const run = await serials([action]);
      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr: `apt-snapshots-bot serials: ${linked} is a symbolic link; refusing to follow it out of the checkout\n`,
      });
    }
    const movedSet = linked === SET ? join(outside, 'moved') : join(outside, 'moved', 'APT_snapshots.d');
    expect(await readFile(join(movedSet, 'debian', 'serial'), 'utf8')).toBe('2021051301\n');
  });

  it('refuses an origin directory that is a symbolic link instead of skipping it', async () => {
    await writeSet({ tails: '2021051301' }, 'elsewhere');
    await rename(join(cwd, 'elsewhere', 'tails'), join(outside, 'tails'));
    await symlink(join(outside, 'tails'), join(cwd, SET, 'tails'));
    const run = await serials(['thaw']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `apt-snapshots-bot serials: ${SET}/tails is a symbolic link, not an origin directory\n`,
    });
    expect(await readFile(join(outside, 'tails', 'serial'), 'utf8')).toBe('2021051301\n');
    expect(await serialOf('debian')).toBe('2021051301\n');
  });

  it.each([
    ['tmp/cached_APT_snapshots_serials', 'victim'],
    ['tmp', 'tmp-elsewhere'],
  ])('prepare-build refuses %s as a symbolic link, writing nothing', async (linked, target) => {
    await mkdir(join(cwd, 'tmp'), { recursive: true });
    if (linked === 'tmp') await rm(join(cwd, 'tmp'), { recursive: true });
    await symlink(join(outside, target), join(cwd, linked));
    const run = await serials(['prepare-build', '{"torproject": "2021050101", "debian-security": "2021050102"}']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `apt-snapshots-bot serials: ${linked} is a symbolic link; refusing to write through it\n`,
    });
    expect(await readdirNames(outside)).toEqual([]);
  });
});

async function readdirNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

describe('serials with an origin directory the server cannot be asked about', () => {
  it.each([['get-latest'], ['freeze'], ['prepare-build']])(
    '%s exits 1 naming it, asking nothing and writing nothing',
    async (action) => {
      await writeSet({ Debian_Extra: 'latest' });
      const before = server.requests.length;
      const run = await serials([action]);
      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr: `apt-snapshots-bot serials: ${SET}/Debian_Extra is not a valid origin name (lowercase letters, digits, ".", "+" and "-"), so the snapshot server cannot be asked for its newest serial\n`,
      });
      expect(server.requests.length).toBe(before);
      expect(await serialOf('debian')).toBe('2021051301\n');
      await expect(readFile(join(cwd, 'tmp/cached_APT_snapshots_serials'))).rejects.toThrow();
    },
  );
});

describe('serials with an unknown action', () => {
  it('lists the valid ones and exits 1', async () => {
    expect(await serials(['unfreeze'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'apt-snapshots-bot serials: unknown action "unfreeze"; the actions are cat, cat-json, get-latest, freeze, thaw, prepare-build\n',
    });
  });
});

describe('serials in a Git checkout', () => {
  const repo = repoPerTest();

  it('finds the top of the checkout from a subdirectory, as git does', async () => {
    const r = await repo(
      tailsTree({ main: { debian: '2021051301', 'debian-security': 'latest', torproject: 'latest' } }),
    );
    const deep = join(r.dir, 'config', 'chroot_apt');
    await mkdir(deep, { recursive: true });
    const cat = await runCli(['serials', 'cat'], { cwd: deep, env: r.env });
    expect(cat).toEqual({
      code: 0,
      stdout: 'debian: 2021051301\ndebian-security: latest\ntorproject: latest\n',
      stderr: '',
    });
    const prepared = await runCli(
      ['serials', 'prepare-build', '{"debian-security": "2021051302", "torproject": "2021051303"}'],
      { cwd: deep, env: r.env },
    );
    expect(prepared.code).toBe(0);
    expect(await readFile(join(r.dir, 'tmp/cached_APT_snapshots_serials'), 'utf8')).toBe(
      'debian: 2021051301\ndebian-security: 2021051302\ntorproject: 2021051303\n',
    );
  });
});
