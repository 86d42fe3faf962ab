import { parseCommit } from '../../../src/adapters/git/commit-object.js';

const TREE = 'a'.repeat(40);
const P1 = 'b'.repeat(40);
const P2 = 'c'.repeat(40);
const AUTHOR = 'author A U Thor <a@example.org> 1620892800 +0200';
const COMMITTER = 'committer C O Mitter <c@example.org> 1620896400 -0130';

const commit = (headers: string[], message: string | Buffer) =>
  Buffer.concat([
    Buffer.from(`${headers.join('\n')}\n\n`),
    typeof message === 'string' ? Buffer.from(message) : message,
  ]);

describe('parseCommit', () => {
  it.each([
    [
      'a root commit',
      [`tree ${TREE}`, AUTHOR, COMMITTER],
      'Freeze APT snapshots for 4.19~rc1.\n',
      [],
      'Freeze APT snapshots for 4.19~rc1.',
    ],
    [
      'a merge',
      [`tree ${TREE}`, `parent ${P1}`, `parent ${P2}`, AUTHOR, COMMITTER],
      "Merge branch 'testing' into devel\n",
      [P1, P2],
      "Merge branch 'testing' into devel",
    ],
    [
      'a first paragraph of several lines',
      [`tree ${TREE}`, `parent ${P1}`, AUTHOR, COMMITTER],
      'Thaw APT\nsnapshots.  \n\nBody.\n',
      [P1],
      'Thaw APT snapshots.',
    ],
    ['blank lines before the subject', [`tree ${TREE}`, AUTHOR, COMMITTER], '\n  \nSubject\n', [], 'Subject'],
    ['no message', [`tree ${TREE}`, AUTHOR, COMMITTER], '', [], ''],
    [
      'a signature whose continuation lines look like headers',
      [
        `tree ${TREE}`,
        `parent ${P1}`,
        AUTHOR,
        COMMITTER,
        'gpgsig -----BEGIN PGP SIGNATURE-----',
        ` parent ${P2}`,
        ' committer x <y> 1 +0000',
        ' -----END PGP SIGNATURE-----',
      ],
      'Signed\n',
      [P1],
      'Signed',
    ],
    [
      'a message in the encoding its header names',
      [`tree ${TREE}`, AUTHOR, COMMITTER, 'encoding ISO-8859-1'],
      Buffer.from('Caf\u00e9\n', 'latin1'),
      [],
      'Café',
    ],
    [
      'an encoding Node does not know, read as UTF-8',
      [`tree ${TREE}`, AUTHOR, COMMITTER, 'encoding x-unknown'],
      'Café\n',
      [],
      'Café',
    ],
  ])('reads %s', (_what, headers, message, parents, subject) => {
    expect(parseCommit(commit(headers, message), 'S')).toEqual({
      sha: 'S',
      tree: TREE,
      parents,
      date: new Date('2021-05-13T09:00:00Z'),
      subject,
    });
  });

  it('reads a commit without a message or the blank line before it', () => {
    expect(parseCommit(Buffer.from(`tree ${TREE}\n${COMMITTER}`), 'S')).toMatchObject({ tree: TREE, subject: '' });
  });

  it.each([
    ['no tree', [AUTHOR, COMMITTER], 'commit S has no tree'],
    ['no committer', [`tree ${TREE}`, AUTHOR], 'commit S has no committer'],
    [
      'a committer without a date',
      [`tree ${TREE}`, 'committer C <c@example.org>'],
      'commit S has a malformed committer line: "C <c@example.org>"',
    ],
  ])('refuses a commit with %s, naming it', (_what, headers, message) => {
    expect(() => parseCommit(commit(headers, 'x\n'), 'S')).toThrow(message);
  });
});
