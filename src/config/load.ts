import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

/** Where a repository overrides the defaults, at the ref being judged. */
export const REPO_CONFIG_PATH = '.github/apt-snapshots.yml';

export interface ConfigProblem {
  /** The file the problem is in. */
  file: string;
  /** Dotted path of the field, empty for the whole file. */
  field: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (lists included) replaces. */
export function mergeConfig(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = key in base ? mergeConfig(base[key], value) : value;
  }
  return out;
}

export function formatField(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc === '' ? String(key) : `${acc}.${String(key)}`),
    '',
  );
}

function zodProblems(file: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ file, field: formatField(issue.path), message: issue.message }));
}

/** Parses YAML text into plain data, naming the file and line of a syntax error. */
export function parseYaml(
  text: string,
  file: string,
): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return { file, field: '', message: `invalid YAML at line ${line}, column ${col}: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 50 }) };
  } catch (error) {
    // yaml throws on alias bombs rather than reporting them as document errors.
    return {
      ok: false,
      problems: [
        { file, field: '', message: `invalid YAML: ${error instanceof Error ? error.message : String(error)}` },
      ],
    };
  }
}

/** Validates a complete configuration (the defaults). */
export function parseFullConfig(text: string, file: string): ConfigResult {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return parsed;
  const result = configSchema.safeParse(parsed.value);
  return result.success ? { ok: true, config: result.data } : { ok: false, problems: zodProblems(file, result.error) };
}

/**
 * Keys only the deployment sets (the app's own file, the command line's
 * `--config`): a repository's file cannot say where the bot sends its
 * credentials.
 */
export const DEPLOYMENT_KEYS = ['jobs', 'schedule'] as const;

export interface OverrideOptions {
  /** The file is the deployment's or the user's, not a repository's: it may set DEPLOYMENT_KEYS. */
  trusted?: boolean;
}

/**
 * Merges an override file over the defaults and validates the result. An
 * empty file means "no overrides"; anything invalid is reported with its
 * field, never silently replaced by a default.
 */
export function applyConfigOverride(
  defaults: Config,
  text: string,
  file: string = REPO_CONFIG_PATH,
  options: OverrideOptions = {},
): ConfigResult {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return parsed;
  if (parsed.value === null || parsed.value === undefined) return { ok: true, config: defaults };
  if (!isPlainObject(parsed.value)) {
    return { ok: false, problems: [{ file, field: '', message: 'must be a YAML mapping of settings' }] };
  }
  if (!options.trusted) {
    const value = parsed.value;
    const refused = DEPLOYMENT_KEYS.filter((key) => key in value);
    if (refused.length > 0) {
      return {
        ok: false,
        problems: refused.map((key) => ({
          file,
          field: key,
          message:
            key === 'jobs'
              ? "is set by the bot's deployment only: a repository cannot choose where the bot sends its credentials"
              : "is set by the bot's deployment only: a repository cannot choose when the bot runs for every repository",
        })),
      };
    }
  }
  const result = configSchema.safeParse(mergeConfig(defaults, parsed.value));
  return result.success ? { ok: true, config: result.data } : { ok: false, problems: zodProblems(file, result.error) };
}

export function describeConfigProblem(p: ConfigProblem): string {
  return p.field === '' ? `${p.file}: ${p.message}` : `${p.file}: ${p.field}: ${p.message}`;
}
