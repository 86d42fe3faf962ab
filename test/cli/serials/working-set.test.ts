import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkingSet, selectOrigins, WorkingSetError, writeSerial } from '../../../src/cli/serials/working-set.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-set-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function put(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

describe('readWorkingSet', () => {
  it('reads every origin directory, sorted, skipping .placeholder and loose files', async () => {
    await put({ 'torproject/serial': 'latest\n', 'debian/serial': '2021051301', '.placeholder': '', README: 'x' });
    const set = await readWorkingSet(dir, 'S');
    expect(set).toEqual([
      {
        origin: 'debian',
        file: join(dir, 'debian', 'serial'),
        path: 'S/debian/serial',
        value: { kind: 'serial', serial: '2021051301' },
      },
      {
        origin: 'torproject',
        file: join(dir, 'torproject', 'serial'),
        path: 'S/torproject/serial',
        value: { kind: 'latest' },
      },
    ]);
  });

  it.each<[string, (d: string) => Promise<unknown>, string]>([
    ['a missing serial file', (d) => mkdir(join(d, 'debian')), 'S/debian/serial is missing'],
    [
      'a serial that is a directory',
      (d) => mkdir(join(d, 'debian', 'serial'), { recursive: true }),
      'S/debian/serial is not a regular file',
    ],
    [
      'a symbolic link',
      async (d) => {
        await mkdir(join(d, 'debian'));
        await symlink('/etc/hostname', join(d, 'debian', 'serial'));
      },
      'S/debian/serial is a symbolic link',
    ],
    [
      'an invalid serial',
      async (d) => {
        await mkdir(join(d, 'debian'));
        await writeFile(join(d, 'debian', 'serial'), '2021051300\n');
      },
      'S/debian/serial "2021051300" has counter 00',
    ],
    [
      'two lines',
      async (d) => {
        await mkdir(join(d, 'debian'));
        await writeFile(join(d, 'debian', 'serial'), 'latest\nlatest\n');
      },
      'S/debian/serial has 2 lines',
    ],
    [
      'a huge file',
      async (d) => {
        await mkdir(join(d, 'debian'));
        await writeFile(join(d, 'debian', 'serial'), 'x'.repeat(5000));
      },
      'S/debian/serial is 5000 bytes, far too large',
    ],
    [
      'a file in UTF-16',
      async (d) => {
        await mkdir(join(d, 'debian'));
        await writeFile(join(d, 'debian', 'serial'), Buffer.from('\ufefflatest', 'utf16le'));
      },
      'contains bytes that are not UTF-8',
    ],
  ])('refuses %s, naming the file', async (_name, make, message) => {
    await make(dir);
    await expect(readWorkingSet(dir, 'S')).rejects.toThrow(WorkingSetError);
    await expect(readWorkingSet(dir, 'S')).rejects.toThrow(message);
  });

  it('names every bad file at once, in path order', async () => {
    await put({ 'a/serial': 'x\n', 'b/serial': 'latest\n', 'c/serial': 'latest\r\n' });
    await expect(readWorkingSet(dir, 'S')).rejects.toThrow(
      new WorkingSetError(
        'S/a/serial "x" is not a serial of the form YYYYMMDDNN\nS/c/serial "latest\\r" contains a carriage return (\\r, from Windows line ends), which Tails\' scripts would keep as part of the serial',
      ),
    );
  });

  it('refuses a set that is not there', async () => {
    await expect(readWorkingSet(join(dir, 'nope'), 'config/APT_snapshots.d')).rejects.toThrow(
      `there is no snapshot set config/APT_snapshots.d (${join(dir, 'nope')}): run this in a Tails checkout`,
    );
  });
});

describe('selectOrigins and writeSerial', () => {
  it('selects named origins in the set order, or all', async () => {
    await put({ 'a/serial': 'latest\n', 'b/serial': 'latest\n', 'c/serial': 'latest\n' });
    const set = await readWorkingSet(dir, 'S');
    expect(selectOrigins(set, [], 'S').map((o) => o.origin)).toEqual(['a', 'b', 'c']);
    expect(selectOrigins(set, ['c', 'a'], 'S').map((o) => o.origin)).toEqual(['a', 'c']);
    expect(() => selectOrigins(set, ['a', 'zz'], 'S')).toThrow(
      new WorkingSetError('no origin "zz" in S; its origins are a, b, c'),
    );
  });

  it('does not write through a serial file that became a symbolic link after it was read', async () => {
    await put({ 'a/serial': 'latest\n', victim: 'precious\n' });
    const [a] = await readWorkingSet(dir, 'S');
    await rm(join(dir, 'a', 'serial'));
    await symlink(join(dir, 'victim'), join(dir, 'a', 'serial'));
    await expect(writeSerial(a!, { kind: 'latest' })).rejects.toThrow(
      new WorkingSetError('S/a/serial is a symbolic link; refusing to write through it'),
    );
    expect(await readFile(join(dir, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('names the file it cannot write', async () => {
    await put({ 'a/serial': 'latest\n' });
    const [a] = await readWorkingSet(dir, 'S');
    await rm(join(dir, 'a'), { recursive: true });
    await expect(writeSerial(a!, { kind: 'latest' })).rejects.toThrow(WorkingSetError);
    await expect(writeSerial(a!, { kind: 'latest' })).rejects.toThrow(/^cannot write S\/a\/serial: ENOENT/);
  });

  it('writes one line', async () => {
    await put({ 'a/serial': 'latest\n' });
    const [a] = await readWorkingSet(dir, 'S');
    await writeSerial(a!, { kind: 'serial', serial: '2021051301' as never });
    expect(await readFile(join(dir, 'a', 'serial'), 'utf8')).toBe('2021051301\n');
  });
});
