/**
 * The subject of a commit message as `git log --format=%s` prints it: the
 * first paragraph, its lines joined by single spaces, so a local read and a
 * GitHub read of the same commit agree.
 */
export function commitSubject(message: string): string {
  const lines = message.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i] as string).trim() === '') i += 1;
  const paragraph: string[] = [];
  for (; i < lines.length && (lines[i] as string).trim() !== ''; i += 1) paragraph.push((lines[i] as string).trimEnd());
  return paragraph.join(' ');
}
