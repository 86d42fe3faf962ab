import { FOLLOW_UP_DELAYS_MS, FollowUps } from '../../src/app/follow-ups.js';
import { FakeTimers } from '../helpers/fake-timers.js';

describe('FollowUps', () => {
  it('runs a task after the delay of its attempt, and says the delay', async () => {
    const timers = new FakeTimers();
    const followUps = new FollowUps(timers, [10, 20]);
    const ran: string[] = [];

    expect(followUps.schedule('k', 1, async (delay) => void ran.push(`task after ${delay}`))).toBe(20);
    expect(timers.pending).toEqual([20]);
    await timers.fire();

    expect(ran).toEqual(['task after 20']);
    expect(followUps.size).toBe(0);
  });

  it('keeps one retry per key: scheduling again replaces the pending one', async () => {
    const timers = new FakeTimers();
    const followUps = new FollowUps(timers, [10, 20]);
    const ran: string[] = [];

    followUps.schedule('k', 0, async () => void ran.push('older'));
    followUps.schedule('other', 0, async () => void ran.push('other'));
    followUps.schedule('k', 1, async () => void ran.push('newer'));
    await timers.fire();
    await timers.fire();

    expect(ran).toEqual(['other', 'newer']);
    expect(timers.pending).toEqual([]);
  });

  it('drops the pending retry of a key whose work was done', () => {
    const timers = new FakeTimers();
    const followUps = new FollowUps(timers, [10]);
    followUps.schedule('k', 0, async () => {});

    followUps.cancel('k');
    followUps.cancel('never scheduled');

    expect(timers.pending).toEqual([]);
    expect(followUps.size).toBe(0);
  });

  it('schedules nothing once the attempts are used up, and drops the pending one', () => {
    const timers = new FakeTimers();
    const followUps = new FollowUps(timers, [10]);
    followUps.schedule('k', 0, async () => {});

    expect(followUps.schedule('k', 1, async () => {})).toBeUndefined();
    expect(timers.pending).toEqual([]);
  });

  it('backs off 1, 2, 4 and 8 minutes by default', () => {
    expect(FOLLOW_UP_DELAYS_MS).toEqual([60_000, 120_000, 240_000, 480_000]);
  });
});
