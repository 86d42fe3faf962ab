import { utcMinute } from '../../src/domain/utc-minute.js';

describe('utcMinute', () => {
  it('writes the minute in UTC, seconds dropped rather than rounded', () => {
    expect(utcMinute(new Date('2021-05-20T12:34:59.999Z'))).toBe('2021-05-20 12:34 UTC');
    expect(utcMinute(new Date('2021-05-20T23:59:00+02:00'))).toBe('2021-05-20 21:59 UTC');
  });
});
