import { compareSerials, parseSerial, parseSerialFile, type Serial } from '../../src/domain/serial.js';

describe('parseSerialFile', () => {
  it.each([
    ['latest\n', 'latest'],
    ['latest', 'latest'],
    ['2021051301\n', '2021051301'],
    ['2021051301', '2021051301'],
    ['2020022999\n', '2020022999'],
    ['1993010101\n', '1993010101'],
  ])('accepts %j', (content, expected) => {
    const result = parseSerialFile(content);
    expect(result).toEqual({
      ok: true,
      value: expected === 'latest' ? { kind: 'latest' } : { kind: 'serial', serial: expected },
    });
  });

  it.each([
    ['', /empty/],
    ['\n', /empty/],
    ['2021051300\n', /counter 00/],
    ['2021023001\n', /impossible date/],
    ['2021130101\n', /impossible date/],
    ['2019022901\n', /impossible date/],
    ['202105130\n', /not a serial/],
    ['20210513011\n', /not a serial/],
    [' 2021051301\n', /whitespace/],
    ['2021051301 \n', /whitespace/],
    ['2021051301\n2021051302\n', /2 lines/],
    ['latest\n\n', /2 lines/],
    ['Latest\n', /not a serial/],
    ['serial: 2021051301\n', /not a serial/],
    [
      'latest\r\n',
      /^"latest\\r" contains a carriage return \(\\r, from Windows line ends\), which Tails' scripts would keep/,
    ],
    ['2021051301\r\n', /"2021051301\\r" contains a carriage return/],
    ['\uFEFFlatest\n', /^"\\ufefflatest" contains a byte-order mark \(U\+FEFF\)/],
    ['latest\u00A0\n', /"latest\\u00a0" contains a no-break space \(U\+00A0\)/],
    ['2021\u200B051301\n', /contains a zero-width space \(U\+200B\)/],
    ['latest\u2060\n', /contains the invisible character U\+2060/],
    ['latest\t\n', /contains a tab/],
    ['0050010101\n', /^"0050010101" is dated 0050-01-01, before any snapshot could be taken \(Debian began in 1993\)/],
    ['0000010101\n', /is dated 0000-01-01, before any snapshot/],
    ['1950010101\n', /is dated 1950-01-01, before any snapshot/],
    ['0050023001\n', /impossible date 0050-02-30/],
    ['0004022901\n', /is dated 0004-02-29/],
  ])('rejects %j', (content, message) => {
    const result = parseSerialFile(content);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('parseSerial and compareSerials', () => {
  it('orders serials like numbers', () => {
    const a = parseSerial('2021051301');
    const b = parseSerial('2021051302');
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(compareSerials(a.value, b.value)).toBeLessThan(0);
      expect(compareSerials(b.value, a.value)).toBeGreaterThan(0);
      expect(compareSerials(a.value, '2021051301' as Serial)).toBe(0);
    }
  });
});
