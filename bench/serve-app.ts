import { startProbotServer, type ProbotServerOptions } from './probot-server.js';

/*
 * The child process of forkProbotServer: one Probot server, started from
 * the options the parent sends, answered with its webhook URL (or why it
 * could not start), stopped when the parent disconnects.
 */
process.once('message', (options: ProbotServerOptions) => {
  startProbotServer(options).then(
    (server) => {
      process.once('disconnect', () => void server.stop());
      process.send?.({ webhooksUrl: server.webhooksUrl });
    },
    (error: unknown) => {
      process.send?.({ error: error instanceof Error ? error.message : String(error) }, () => process.disconnect());
      process.exitCode = 1;
    },
  );
});
