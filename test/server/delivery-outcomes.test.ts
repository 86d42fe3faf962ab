import { DeliveryOutcomes } from '../../src/server/delivery-outcomes.js';

describe('DeliveryOutcomes', () => {
  it('takes no note outside a delivery, so that the caller says it itself', () => {
    expect(new DeliveryOutcomes().note('failed', 'GitHub said 502')).toBe(false);
  });

  it('keeps the worst outcome a delivery noted, whatever the order', async () => {
    const outcomes = new DeliveryOutcomes();
    const noted = await outcomes.track(async () => {
      expect(outcomes.note('failed', 'GitHub said 502')).toBe(true);
      outcomes.note('ignored', 'sent by a bot');
      outcomes.note('gone', 'the repository is gone');
    });
    expect(noted).toEqual({ outcome: 'failed', reason: 'GitHub said 502' });
  });

  it('gives each delivery its own note, however their work interleaves', async () => {
    const outcomes = new DeliveryOutcomes();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = outcomes.track(async () => {
      await held;
      outcomes.note('gone', 'first');
    });
    const second = outcomes.track(async () => {
      outcomes.note('ignored', 'second');
      release();
    });
    expect(await Promise.all([first, second])).toEqual([
      { outcome: 'gone', reason: 'first' },
      { outcome: 'ignored', reason: 'second' },
    ]);
  });
});
