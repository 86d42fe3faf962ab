import { commitSubject } from '../../src/domain/commit-subject.js';

describe('commitSubject', () => {
  it.each([
    ['a one-line message', 'Freeze APT snapshots\n', 'Freeze APT snapshots'],
    ['no final newline', 'Freeze APT snapshots', 'Freeze APT snapshots'],
    ['a body after a blank line', 'Freeze APT snapshots\n\nFor 4.19~rc1.\n', 'Freeze APT snapshots'],
    [
      'a wrapped first paragraph',
      'Freeze APT snapshots\nfor 4.19~rc1  \n\nBody\n',
      'Freeze APT snapshots for 4.19~rc1',
    ],
    ['blank and whitespace lines first', '\n  \nSubject\n', 'Subject'],
    ['a whitespace-only line ends the paragraph', 'One\n \t\nTwo\n', 'One'],
    ['leading spaces kept', '  Indented\n', '  Indented'],
    ['an empty message', '', ''],
    ['only blank lines', '\n\n \n', ''],
  ])('%s', (_what, message, subject) => {
    expect(commitSubject(message)).toBe(subject);
  });
});
