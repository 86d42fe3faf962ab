import {
  counterpart,
  isFreezeException,
  keptSinceFork,
  listWords,
  originNamed,
  pinnedSerial,
  sentence,
  setLabel,
} from '../../src/rules/sets.js';
import { PATHS, fakeState, tailsTree } from '../helpers/snapshot.js';

const state = fakeState(tailsTree({ main: { debian: '2021051301', 'debian-security': 'latest', torproject: 'junk' } }));
const main = state.sets[0]!;

describe('rule helpers', () => {
  it.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a and b'],
    [['a', 'b', 'c'], 'a, b and c'],
  ])('lists %j as %j', (words, expected) => {
    expect(listWords(words)).toBe(expected);
  });

  it('labels and capitalises sets', () => {
    expect(setLabel(main)).toBe('the main set (config/APT_snapshots.d)');
    expect(sentence(setLabel(main))).toBe('The main set (config/APT_snapshots.d)');
  });

  it.each([
    ['debian', '2021051301'],
    ['debian-security', undefined],
    ['torproject', undefined],
  ])('pins %s to %s', (origin, serial) => {
    expect(pinnedSerial(originNamed(main, origin)!)).toBe(serial);
  });

  it('knows the freeze exceptions of a set', () => {
    expect(isFreezeException(main, 'debian-security')).toBe(true);
    expect(isFreezeException(main, 'debian')).toBe(false);
    expect(isFreezeException(state.sets[1]!, 'debian-security')).toBe(false);
  });

  it('finds the same set in another state only when it is a directory', () => {
    const other = fakeState({ ...tailsTree(), [PATHS.BUILDER]: 'x' });
    expect(counterpart(other, main)?.config.dir).toBe(PATHS.MAIN);
    expect(counterpart(other, state.sets[1]!)).toBeUndefined();
    expect(originNamed(main, 'tails')).toBeUndefined();
  });

  it.each([
    ['the same serial', 'debian', { debian: '2021051301' }, true],
    ['latest both times', 'debian-security', { 'debian-security': 'latest' }, true],
    ['another serial', 'debian', { debian: '2021050101' }, false],
    ['latest then, a serial now', 'debian', { debian: 'latest' }, false],
    ['an unreadable serial now', 'torproject', { torproject: 'junk' }, false],
    ['an unreadable serial then', 'debian', { debian: 'junk' }, false],
    ['no such origin then', 'debian', { torproject: 'latest' }, false],
  ])('keptSinceFork: %s is %s', (_name, origin, atFork, kept) => {
    const forkPoint = fakeState(tailsTree({ main: atFork }));
    expect(keptSinceFork(forkPoint, main, originNamed(main, origin)!)).toBe(kept);
  });

  it('keptSinceFork is false when the fork point is unknown', () => {
    expect(keptSinceFork(undefined, main, originNamed(main, 'debian')!)).toBe(false);
  });
});
