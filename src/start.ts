import { existsSync } from 'node:fs';
import { serve } from './server.js';
import { ListenError } from './server/http-server.js';

/**
 * The entry point of `npm start` and of the systemd unit: this process is
 * the server, so a supervisor's SIGTERM reaches it. It stops accepting,
 * lets deliveries under way end, and exits 0; a setting that is wrong
 * stops it at start with one line naming the setting, and exit code 78
 * (sysexits' EX_CONFIG), which the systemd unit does not restart on: a
 * restart every few seconds would not mend a setting. An address or port
 * not free yet exits 1, and is tried again.
 */
const EX_CONFIG = 78;
let service: Awaited<ReturnType<typeof serve>>;
try {
  // Probot's setup page writes the credentials into .env; the environment wins over the file, as systemd sets it.
  if (existsSync('.env')) process.loadEnvFile('.env');
  service = await serve();
} catch (error) {
  process.stderr.write(`apt-snapshots-bot: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ListenError && error.transient ? 1 : EX_CONFIG);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // A second signal while stopping means "now".
    if (stopping) process.exit(1);
    stopping = true;
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`apt-snapshots-bot: stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
