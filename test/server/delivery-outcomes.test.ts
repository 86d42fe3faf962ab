import { DeliveryOutcomes } from '../../src/server/delivery-outcomes.js';

describe('DeliveryOutcomes', () => {
  it('takes no note about a payload it does not track, so that the caller says it itself', async () => {
    const outcomes = new DeliveryOutcomes();
    expect(outcomes.note({ ref: 'refs/heads/devel' }, 'failed', 'GitHub said 502')).toBe(false);
    const payload = { ref: 'refs/heads/devel' };
    await outcomes.track(payload, async () => {});
    // Forgotten once its handling ended.
    expect(outcomes.note(payload, 'failed', 'GitHub said 502')).toBe(false);
  });

  it('keeps the worst outcome a delivery noted, whatever the order', async () => {
    const outcomes = new DeliveryOutcomes();
    const payload = { ref: 'refs/heads/devel' };
    const noted = await outcomes.track(payload, async () => {
      expect(outcomes.note(payload, 'failed', 'GitHub said 502')).toBe(true);
      outcomes.note(payload, 'ignored', 'sent by a bot');
      outcomes.note(payload, 'gone', 'the repository is gone');
    });
    expect(noted).toEqual({ outcome: 'failed', reason: 'GitHub said 502' });
  });

  it('gives each delivery its own note, though both carry equal payloads and their work interleaves', async () => {
    const outcomes = new DeliveryOutcomes();
    const [one, two] = [{ ref: 'refs/heads/devel' }, { ref: 'refs/heads/devel' }];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = outcomes.track(one, async () => {
      await held;
      outcomes.note(one, 'gone', 'first');
    });
    const second = outcomes.track(two, async () => {
      outcomes.note(two, 'ignored', 'second');
      release();
    });
    expect(await Promise.all([first, second])).toEqual([
      { outcome: 'gone', reason: 'first' },
      { outcome: 'ignored', reason: 'second' },
    ]);
  });

  it('runs the handling of a payload that is no object, noting nothing', async () => {
    let ran = false;
    expect(
      await new DeliveryOutcomes().track(42, async () => {
        ran = true;
      }),
    ).toBeUndefined();
    expect(ran).toBe(true);
  });
});
