import { parseTraceFile } from '../../src/domain/trace-file.js';

const URL = 'http://snapshots.example/debian/project/trace/debian';

/** A trace file as Debian's ftpsync writes it. */
function trace(serialLines: string[]): string {
  return [
    'Thu May 13 06:00:01 UTC 2021',
    'Date: Thu, 13 May 2021 06:00:01 +0000',
    'Date Started: Thu, 13 May 2021 05:52:12 +0000',
    ...serialLines,
    'Used ftpsync version: 20180513',
    'Running on host: time-based.snapshots.deb.tails.boum.org',
    '',
  ].join('\n');
}

describe('parseTraceFile', () => {
  it.each([
    ['a realistic ftpsync trace file', trace(['Archive serial: 2021051301']), '2021051301'],
    ['CRLF line endings', trace(['Archive serial: 2021051302']).replace(/\n/g, '\r\n'), '2021051302'],
    ['the serial line alone, without a final newline', 'Archive serial: 2021051303', '2021051303'],
    ['trailing spaces after the serial', 'Archive serial: 2021051304  \n', '2021051304'],
    ['no space after the colon', 'Archive serial:2021051305\n', '2021051305'],
    ['the same serial twice', trace(['Archive serial: 2021051306', 'Archive serial: 2021051306']), '2021051306'],
    [
      'lines that merely mention a serial',
      `X-Archive serial: 1999010101\nNot the Archive serial: 1999010101\n${trace(['Archive serial: 2021051307'])}`,
      '2021051307',
    ],
  ])('reads %s', (_name, text, expected) => {
    expect(parseTraceFile(text, URL)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['an empty file', '', /has no "Archive serial:" line/],
    ['a trace file without the serial line', trace([]), /has no "Archive serial:" line/],
    ['an HTML error page', '<html><body>404 Not Found</body></html>\n', /has no "Archive serial:" line/],
    ['a key in another case', 'archive serial: 2021051301\n', /has no "Archive serial:" line/],
    ['an indented serial line', '  Archive serial: 2021051301\n', /has no "Archive serial:" line/],
    [
      'two different serials',
      trace(['Archive serial: 2021051301', 'Archive serial: 2021051302']),
      /2 different "Archive serial:" lines \("2021051301", "2021051302"\)/,
    ],
    ['an impossible date', trace(['Archive serial: 2021023001']), /line is invalid: .*impossible date/],
    ['counter 00', trace(['Archive serial: 2021051300']), /line is invalid: .*counter 00/],
    ['an empty serial', trace(['Archive serial: ']), /line is invalid: "" is not a serial/],
    ['a serial with junk', trace(['Archive serial: 2021051301 (second run)']), /line is invalid: .*not a serial/],
    ['the word latest', trace(['Archive serial: latest']), /line is invalid: "latest" is not a serial/],
  ])('rejects %s, naming the URL', (_name, text, message) => {
    const result = parseTraceFile(text, URL);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(message);
      expect(result.error.startsWith(`${URL}: `)).toBe(true);
    }
  });
});
