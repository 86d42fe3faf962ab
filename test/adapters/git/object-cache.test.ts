import { ObjectCache } from '../../../src/adapters/git/object-cache.js';

function loader() {
  const loads: string[] = [];
  const load =
    (key: string, value = key) =>
    () => {
      loads.push(key);
      return Promise.resolve(value);
    };
  return { loads, load };
}

describe('ObjectCache', () => {
  it('loads a key once and serves it from memory afterwards', async () => {
    const cache = new ObjectCache<string>(100, (v) => v.length);
    const { loads, load } = loader();
    expect(await cache.get('a', load('a', 'value'))).toBe('value');
    expect(await cache.get('a', load('a', 'other'))).toBe('value');
    expect(loads).toEqual(['a']);
  });

  it('loads once for concurrent requests of one key', async () => {
    const cache = new ObjectCache<string>(100, (v) => v.length);
    const { loads, load } = loader();
    expect(
      await Promise.all([cache.get('a', load('a')), cache.get('a', load('a')), cache.get('b', load('b'))]),
    ).toEqual(['a', 'a', 'b']);
    expect(loads).toEqual(['a', 'b']);
  });

  it('evicts the least recently used values once over budget', async () => {
    const cache = new ObjectCache<string>(3, (v) => v.length);
    const { loads, load } = loader();
    for (const key of ['a', 'b', 'c', 'a', 'd', 'a', 'b']) await cache.get(key, load(key));
    expect(loads).toEqual(['a', 'b', 'c', 'd', 'b']);
  });

  it('keeps nothing heavier than the whole budget', async () => {
    const cache = new ObjectCache<string>(2, (v) => v.length);
    const { loads, load } = loader();
    await cache.get('k', load('k', 'big'));
    await cache.get('k', load('k', 'big'));
    expect(loads).toEqual(['k', 'k']);
  });

  it('does not keep a failed load', async () => {
    const cache = new ObjectCache<string>(100, (v) => v.length);
    await expect(cache.get('a', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('a', () => Promise.resolve('yes'))).toBe('yes');
  });

  it('replaces a value set again, counting only the new weight', async () => {
    const cache = new ObjectCache<string>(4, (v) => v.length);
    const { loads, load } = loader();
    cache.set('a', 'xx');
    cache.set('a', 'yyy');
    await cache.get('b', load('b'));
    expect(await cache.get('a', load('a'))).toBe('yyy');
    expect(loads).toEqual(['b']);
  });
});
