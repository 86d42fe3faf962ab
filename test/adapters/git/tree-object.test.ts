import { execFile } from 'node:child_process';
import { parseTree, type TreeEntry } from '../../../src/adapters/git/tree-object.js';
import { makeRepo, SUBMODULE_COMMIT } from '../../helpers/git-repo.js';

const SHA = (c: string) => c.repeat(40);

function tree(...entries: [string, string, string][]): Buffer {
  return Buffer.concat(
    entries.map(([mode, name, sha]) => Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(sha, 'hex')])),
  );
}

describe('parseTree', () => {
  it.each([
    ['100644', 'file'],
    ['100755', 'executable'],
    ['120000', 'symlink'],
    ['40000', 'dir'],
    ['040000', 'dir'],
    ['160000', 'submodule'],
    ['100664', 'file'],
  ])('reads mode %s as %s', (mode, type) => {
    expect(parseTree(tree([mode, 'name', SHA('a')]), 'T')).toEqual([{ name: 'name', mode, type, sha: SHA('a') }]);
  });

  it('reads several entries, names with spaces and non-ASCII letters, and the empty tree', () => {
    expect(parseTree(tree(['100644', 'a b', SHA('1')], ['40000', 'wéird', SHA('2')]), 'T')).toEqual([
      { name: 'a b', mode: '100644', type: 'file', sha: SHA('1') },
      { name: 'wéird', mode: '40000', type: 'dir', sha: SHA('2') },
    ]);
    expect(parseTree(Buffer.alloc(0), 'T')).toEqual([]);
  });

  it('reads the 32-byte ids of a SHA-256 repository', () => {
    expect(parseTree(tree(['100644', 'f', 'c'.repeat(64)]), 'T', 32)).toEqual([
      { name: 'f', mode: '100644', type: 'file', sha: 'c'.repeat(64) },
    ]);
  });

  it.each([
    [
      'an unknown mode',
      tree(['100644', 'ok', SHA('a')], ['777', 'x', SHA('b')]),
      'tree T is malformed at byte 30: unknown mode "777"',
    ],
    ['a mode without a space', Buffer.from('100644'), 'tree T is malformed at byte 0: no space after the mode'],
    ['a name without a NUL', Buffer.from('100644 name'), 'tree T is malformed at byte 0: no NUL after the name'],
    ['an empty name', tree(['100644', '', SHA('a')]), 'tree T is malformed at byte 0: empty name'],
    [
      'a truncated id',
      tree(['100644', 'f', SHA('a')]).subarray(0, 20),
      'tree T is malformed at byte 0: truncated object id',
    ],
  ])('refuses %s, naming the tree and the offset', (_what, body, message) => {
    expect(() => parseTree(body, 'T')).toThrow(message);
  });

  it('reads what git writes for every kind of entry', async () => {
    const repo = await makeRepo({
      file: 'x\n',
      'run.sh': { executable: '#!/bin/sh\n' },
      link: { symlink: 'file' },
      'dir/inner': 'y\n',
      sub: { submodule: true },
    });
    try {
      // The tree is binary: ask git for it as bytes.
      const raw = await new Promise<Buffer>((resolve, reject) =>
        execFile(
          'git',
          ['cat-file', 'tree', 'HEAD^{tree}'],
          { cwd: repo.dir, env: repo.env, encoding: 'buffer' },
          (error, stdout) => (error ? reject(new Error(error.message, { cause: error })) : resolve(stdout)),
        ),
      );
      const listing = (await repo.git(['ls-tree', 'HEAD'])).trim().split('\n');
      const expected: TreeEntry[] = listing.map((line) => {
        const [meta, name] = line.split('\t') as [string, string];
        const [mode, , sha] = meta.split(' ') as [string, string, string];
        const type = {
          '100644': 'file',
          '100755': 'executable',
          '120000': 'symlink',
          '040000': 'dir',
          '160000': 'submodule',
        }[mode] as TreeEntry['type'];
        return { name, mode: mode === '040000' ? '40000' : mode, type, sha };
      });
      expect(parseTree(raw, 'HEAD^{tree}')).toEqual(expected);
      expect(expected.find((e) => e.name === 'sub')?.sha).toBe(SUBMODULE_COMMIT);
    } finally {
      await repo.cleanup();
    }
  });
});
