#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'process-io.js');
if (!existsSync(entry)) {
  // `npm ci` builds through the `prepare` script; a checkout without it has no dist/.
  process.stderr.write(`apt-snapshots-bot: ${entry} is missing; run \`npm ci\` (or \`npm run build\`) first\n`);
  process.exit(2);
}
const { runAsProcess } = await import(pathToFileURL(entry).href);
process.exitCode = await runAsProcess(process.argv.slice(2));
