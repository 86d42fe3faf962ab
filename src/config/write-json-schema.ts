/**
 * Writes config/apt-snapshots.schema.json from the zod schema (`npm run
 * schema`); test/config/json-schema.test.ts fails until the file is
 * written again after the schema changes.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchema } from './json-schema.js';

// Objects one key a line, for readable diffs; then laid out by Prettier
// itself, so that `prettier --check .` takes the file as written.
const text = await format(JSON.stringify(configJsonSchema(), null, 2), {
  ...(await resolveConfig(CONFIG_JSON_SCHEMA_FILE)),
  filepath: CONFIG_JSON_SCHEMA_FILE,
});
writeFileSync(CONFIG_JSON_SCHEMA_FILE, text);
console.log(`wrote ${CONFIG_JSON_SCHEMA_FILE}`);
