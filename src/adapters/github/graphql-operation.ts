/** Skips a string literal ("…" or a """…""" block string) starting at `i`; returns the index after it. */
function skipString(document: string, i: number): number {
  if (document.startsWith('"""', i)) {
    const end = document.indexOf('"""', i + 3);
    return end < 0 ? document.length : end + 3;
  }
  for (let j = i + 1; j < document.length; j += 1) {
    if (document[j] === '\\') j += 1;
    else if (document[j] === '"' || document[j] === '\n') return j + 1;
  }
  return document.length;
}

/**
 * The kind of each top-level definition of a GraphQL document, in order:
 * `query`, `mutation`, `subscription` or `fragment` (a bare `{ … }` is a
 * query). Strings and comments are skipped, so a `mutation` inside them,
 * or a variable named `$mutation`, is not taken for one.
 */
export function definitionKinds(document: string): string[] {
  const kinds: string[] = [];
  let depth = 0;
  let atDefinition = true;
  for (let i = 0; i < document.length;) {
    const c = document[i] as string;
    if (c === '#') {
      const end = document.indexOf('\n', i);
      i = end < 0 ? document.length : end + 1;
    } else if (c === '"') {
      i = skipString(document, i);
    } else if (c === '{') {
      if (depth === 0 && atDefinition) kinds.push('query');
      atDefinition = false;
      depth += 1;
      i += 1;
    } else if (c === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) atDefinition = true;
      i += 1;
    } else if (depth === 0 && atDefinition && /[_A-Za-z]/.test(c)) {
      const word = /^[_A-Za-z][_0-9A-Za-z]*/.exec(document.slice(i))?.[0] ?? c;
      kinds.push(word);
      atDefinition = false;
      i += word.length;
    } else {
      i += 1;
    }
  }
  return kinds;
}

/** Whether a GraphQL document writes: GitHub counts a request with a mutation as one that creates content. */
export function isMutation(document: string): boolean {
  return definitionKinds(document).includes('mutation');
}
