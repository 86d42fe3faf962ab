import { access } from 'node:fs/promises';
import { repoPerTest } from './git-repo.js';

const repo = repoPerTest();
let madeInFirstTest: string[] = [];

describe('repoPerTest', () => {
  it('makes real repositories with the files committed', async () => {
    const made = await Promise.all([repo({ a: 'one\n' }), repo({ b: 'two\n' }, { branch: 'testing' })]);
    madeInFirstTest = made.map((r) => r.dir);
    await expect(made[0]?.git(['show', 'HEAD:a'])).resolves.toBe('one\n');
    await expect(made[1]?.git(['rev-parse', '--abbrev-ref', 'HEAD'])).resolves.toBe('testing\n');
    for (const dir of madeInFirstTest) await expect(access(dir)).resolves.toBeUndefined();
  });

  it('has removed them after the test that made them', async () => {
    expect(madeInFirstTest).toHaveLength(2);
    for (const dir of madeInFirstTest) await expect(access(dir)).rejects.toThrow('ENOENT');
  });
});
