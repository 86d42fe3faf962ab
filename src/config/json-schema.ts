import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_CONFIG_FILE } from './defaults.js';
import { DEPLOYMENT_KEYS, REPO_CONFIG_PATH } from './load.js';
import { configSchema } from './schema.js';

/** The shipped schema, next to the defaults whose overrides it describes. */
export const CONFIG_JSON_SCHEMA_FILE = join(dirname(DEFAULT_CONFIG_FILE), 'apt-snapshots.schema.json');

/** Where the shipped schema is published, so that a file's modeline can name it. */
export const CONFIG_JSON_SCHEMA_URL =
  'https://gitlab.tails.boum.org/tails/apt-snapshots-bot/-/raw/main/config/apt-snapshots.schema.json';

/**
 * The schema of what a repository's file may say. The file is merged over
 * the defaults (objects key by key, lists replaced: see mergeConfig), so
 * every key of every object is optional, while a list, replaced whole, must
 * be complete; the keys only a deployment sets are left out.
 */
function overridable(schema: z.ZodObject, omitted: readonly string[] = []): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries<z.ZodType>(schema.shape)) {
    if (omitted.includes(key)) continue;
    shape[key] = (field instanceof z.ZodObject ? overridable(field) : field).optional();
  }
  const object = z.object(shape);
  // Keeps each object as strict about unknown keys as the bot is.
  return schema.def.catchall ? object.catchall(schema.def.catchall) : object;
}

/**
 * The JSON Schema of a repository's `.github/apt-snapshots.yml`, for editors
 * to validate and complete the file; config/apt-snapshots.schema.json is
 * this, written by write-json-schema.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(overridable(configSchema, DEPLOYMENT_KEYS), {
    // The draft editors' YAML and JSON services all understand.
    target: 'draft-07',
    io: 'input',
    // A field no JSON Schema can describe should stop the generation rather
    // than let an editor take anything there.
    unrepresentable: 'throw',
  });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: CONFIG_JSON_SCHEMA_URL,
    title: `apt-snapshots-bot: ${REPO_CONFIG_PATH}`,
    description:
      `A repository's overrides of the apt-snapshots-bot defaults (config/apt-snapshots.yml), merged over them: ` +
      `objects key by key, lists replaced whole. ${DEPLOYMENT_KEYS.map((key) => `\`${key}\``).join(', ')} ` +
      `can only be set by the deployment. Some rules cannot be written in JSON Schema (that set names are ` +
      `unique, that a regular expression compiles, …): the bot checks them, and its findings on the file are ` +
      `the judgement that counts.`,
    ...rest,
  };
}
