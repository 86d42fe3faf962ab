import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONFIG_FILE, defaultConfig } from '../../src/config/defaults.js';
import { CONFIG_JSON_SCHEMA_FILE, CONFIG_JSON_SCHEMA_URL, configJsonSchema } from '../../src/config/json-schema.js';
import { applyConfigOverride } from '../../src/config/load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

/**
 * No JSON Schema validator is a dependency, so this one knows just the
 * keywords the generated schema uses, and stops on any other rather than
 * let it pass unchecked. Patterns get the `u` flag, as editors' validators
 * give them.
 */
function violations(schema: Schema, value: unknown, at = ''): string[] {
  const found: string[] = [];
  const length = (v: string) => [...v].length;
  for (const [keyword, arg] of Object.entries(schema)) {
    switch (keyword) {
      case '$schema':
      case '$id':
      case 'title':
      case 'description':
      case 'format': // an annotation only, in draft-07 as editors use it
        break;
      case 'type': {
        const types = [arg].flat();
        if (!types.some((t) => hasType(value, t))) found.push(`${at}: is not ${types.join(' or ')}`);
        break;
      }
      case 'properties':
        if (isObject(value))
          for (const [key, sub] of Object.entries(arg as Record<string, Schema>))
            if (key in value) found.push(...violations(sub, value[key], `${at}/${key}`));
        break;
      case 'additionalProperties':
        if (isObject(value))
          for (const key of Object.keys(value).filter((k) => !(k in ((schema.properties as Schema) ?? {}))))
            found.push(
              ...(arg === false
                ? [`${at}: unknown key ${key}`]
                : violations(arg as Schema, value[key], `${at}/${key}`)),
            );
        break;
      case 'propertyNames':
        if (isObject(value))
          for (const key of Object.keys(value)) found.push(...violations(arg as Schema, key, `${at}/${key}`));
        break;
      case 'required':
        if (isObject(value))
          for (const key of arg as string[]) if (!(key in value)) found.push(`${at}: ${key} is missing`);
        break;
      case 'items':
        if (Array.isArray(value))
          value.forEach((item, i) => found.push(...violations(arg as Schema, item, `${at}/${i}`)));
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (arg as number))
          found.push(`${at}: fewer than ${String(arg)} items`);
        break;
      case 'minLength':
        if (typeof value === 'string' && length(value) < (arg as number)) found.push(`${at}: too short`);
        break;
      case 'maxLength':
        if (typeof value === 'string' && length(value) > (arg as number)) found.push(`${at}: too long`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(arg as string, 'u').test(value))
          found.push(`${at}: does not match`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (arg as number)) found.push(`${at}: below ${String(arg)}`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (arg as number)) found.push(`${at}: above ${String(arg)}`);
        break;
      default:
        throw new Error(`the test's validator does not know the keyword ${keyword} (at ${at || '/'})`);
    }
  }
  return found;
}

/** Whether an editor and the bot would take the file. */
function verdicts(text: string): { schema: boolean; bot: boolean } {
  return {
    schema: violations(configJsonSchema(), parse(text)).length === 0,
    bot: applyConfigOverride(defaultConfig(), text).ok,
  };
}

describe('config/apt-snapshots.schema.json', () => {
  it('is what the zod schema generates', () => {
    const shipped: unknown = JSON.parse(readFileSync(CONFIG_JSON_SCHEMA_FILE, 'utf8'));
    try {
      expect(shipped).toEqual(configJsonSchema());
    } catch (error) {
      throw new Error(
        `${relative(ROOT, CONFIG_JSON_SCHEMA_FILE)} is not what src/config/schema.ts generates: ` +
          `run \`npm run schema\` and commit the file.\n\n${(error as Error).message}`,
        { cause: error },
      );
    }
  });

  it('is published where its $id and the README say', () => {
    expect(CONFIG_JSON_SCHEMA_URL.endsWith(`/-/raw/main/${relative(ROOT, CONFIG_JSON_SCHEMA_FILE)}`)).toBe(true);
    expect(configJsonSchema().$id).toBe(CONFIG_JSON_SCHEMA_URL);
    expect(/# yaml-language-server: \$schema=(\S+)/.exec(README)?.[1]).toBe(CONFIG_JSON_SCHEMA_URL);
    expect(/"yaml\.schemas": \{\s*"(\S+)": "\.github\/apt-snapshots\.yml"/.exec(README)?.[1]).toBe(
      CONFIG_JSON_SCHEMA_URL,
    );
  });
});

describe('the JSON Schema of a repository file', () => {
  it("takes the README's example, as the bot does", () => {
    const example = /```yaml\n(# \.github\/apt-snapshots\.yml[\s\S]*?)```/.exec(README)?.[1];
    if (example === undefined) throw new Error('README.md has no example of .github/apt-snapshots.yml');
    expect(verdicts(example)).toEqual({ schema: true, bot: true });
  });

  it('takes every default but the deployment-only jobs and schedule, as the bot does', () => {
    const { jobs, schedule, ...repositorySettings } = parse(readFileSync(DEFAULT_CONFIG_FILE, 'utf8'));
    expect(jobs).toBeDefined();
    expect(schedule).toBeDefined();
    expect(verdicts(stringify(repositorySettings))).toEqual({ schema: true, bot: true });
  });

  it.each([
    ['one field of one object', 'snapshot_server: {expiry_warning_days: 14}'],
    ['a pattern set to null', 'branches: {port_pattern: null}'],
    ['a dist for one more origin', 'snapshot_server: {dists: {debian-backports: bookworm-backports}}'],
    ['the dashboard, off', 'dashboard: {enabled: false}'],
    ['a shorter bump', 'expiry: {bump_days: 90}'],
    ['a list, whole', 'snapshot_sets: [{name: main, dir: config/APT_snapshots.d, freeze_exceptions: [], thaws: true}]'],
  ])('takes %s, as the bot does', (_, text) => {
    expect(verdicts(text)).toEqual({ schema: true, bot: true });
  });

  it.each([
    ['an unknown key at the top', 'brnaches: {base: [main]}'],
    ['an unknown key in an object', 'paths: {changelogs: debian/changelog}'],
    ['a deployment-only key', 'jobs: {build_IUKs: {poll_first_seconds: 30}}'],
    ['the deployment-only schedule', 'schedule: {interval_hours: 1}'],
    ['a string for a number', 'snapshot_server: {retries: two}'],
    ['a fraction for an integer', 'snapshot_server: {retries: 1.5}'],
    ['a number out of range', 'snapshot_server: {retries: 11}'],
    ['a list for an object', 'paths: [config/base_branch]'],
    ['an empty list of base branches', 'branches: {base: [], development: [], release: [], always_frozen: []}'],
    [
      'a list item missing a field, since lists are replaced whole',
      'snapshot_sets: [{name: main, dir: d, freeze_exceptions: []}]',
    ],
    [
      'an unknown key in a list item',
      'snapshot_sets: [{name: main, dir: d, freeze_exceptions: [], thaws: true, frozen: true}]',
    ],
    ['an origin name the bot refuses', 'snapshot_server: {dists: {Debian: stable}}'],
    ['a branch name Git refuses', 'branches: {base: [stable, testing, devel, "a:b"]}'],
    ['a branch prefix without its "/"', 'bot: {branch_prefix: apt-snapshots-bot}'],
  ])('refuses %s, as the bot does', (_, text) => {
    expect(verdicts(text)).toEqual({ schema: false, bot: false });
  });
});
