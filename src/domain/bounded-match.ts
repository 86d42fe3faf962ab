import { Script, createContext } from 'node:vm';

// A repository's configuration picks the pattern and anyone who pushes picks
// the name it is matched against, so a pattern like ^(a+)+$ could backtrack
// for minutes. JavaScript cannot interrupt a RegExp, but a vm script with a
// timeout can.
const MATCH_TIMEOUT_MS = 250;
const MATCH = new Script('new RegExp(pattern).test(text)');
const sandbox = createContext({ pattern: '', text: '' });
const MEMO_LIMIT = 1000;
const memo = new Map<string, boolean | 'timeout'>();

/** Whether `pattern` matches `text`; `timeout` when it backtracks too long to tell. */
export function boundedMatch(pattern: string, text: string): boolean | 'timeout' {
  const key = `${pattern}\0${text}`;
  let known = memo.get(key);
  if (known === undefined) {
    sandbox.pattern = pattern;
    sandbox.text = text;
    try {
      known = MATCH.runInContext(sandbox, { timeout: MATCH_TIMEOUT_MS }) === true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      known = 'timeout';
    }
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, known);
  }
  return known;
}
