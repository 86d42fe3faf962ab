export type TreeEntryType = 'file' | 'executable' | 'symlink' | 'dir' | 'submodule';

export interface TreeEntry {
  name: string;
  mode: string;
  type: TreeEntryType;
  sha: string;
}

// Git writes these five modes; very old repositories also hold 100664 and
// similar group-writable file modes, which Git itself reads as regular files.
function entryType(mode: string): TreeEntryType | undefined {
  switch (mode) {
    case '100755':
      return 'executable';
    case '120000':
      return 'symlink';
    case '40000':
    case '040000':
      return 'dir';
    case '160000':
      return 'submodule';
    default:
      return /^100[0-7]{3}$/.test(mode) ? 'file' : undefined;
  }
}

/**
 * Parses the binary body of a tree object: entries of `<mode> <name>\0` and
 * the raw object id. `hashBytes` is 20 for SHA-1 repositories, 32 for SHA-256.
 * @throws Error naming the tree when the body is malformed
 */
export function parseTree(body: Buffer, treeSha: string, hashBytes = 20): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  const malformed = (why: string) => new Error(`tree ${treeSha} is malformed at byte ${at}: ${why}`);
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) throw malformed('no space after the mode');
    const mode = body.subarray(at, space).toString('latin1');
    const type = entryType(mode);
    if (!type) throw malformed(`unknown mode "${mode}"`);
    const nul = body.indexOf(0, space + 1);
    if (nul < 0) throw malformed('no NUL after the name');
    const name = body.subarray(space + 1, nul).toString('utf8');
    if (name === '') throw malformed('empty name');
    const end = nul + 1 + hashBytes;
    if (end > body.length) throw malformed('truncated object id');
    entries.push({ name, mode, type, sha: body.subarray(nul + 1, end).toString('hex') });
    at = end;
  }
  return entries;
}
