import type { TriggerLogger } from '../../../../src/adapters/triggers/trigger-options.js';

/** A clock that moves only when the code under test sleeps: waits cost no real time. */
export interface FakeClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Every wait asked for, in order. */
  sleeps: number[];
}

export function fakeClock(): FakeClock {
  let time = 0;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    sleeps,
  };
}

export interface RecordingLogger extends TriggerLogger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`) };
}
