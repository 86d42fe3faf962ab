import { serve, type RunningService } from '../../src/server.js';
import { freePort } from '../helpers/free-port.js';
import { startGitLabStandIn, type GitLabStandIn } from '../helpers/gitlab-stand-in.js';
import { startHttpServer, type LocalHttpServer } from '../helpers/http-server.js';
import { captureLog } from '../helpers/probot-app.js';

const TOKEN = 'glpat-metrics-serve-token';
const TRACE = 'Date: Thu, 13 May 2021 06:00:01 +0000\nArchive serial: 2021051301\n';

let gitlab: GitLabStandIn;
let snapshots: LocalHttpServer;
let service: RunningService | undefined;

beforeEach(async () => {
  gitlab = await startGitLabStandIn(TOKEN);
  snapshots = await startHttpServer({ '/debian/project/trace/debian': { body: TRACE } });
});

afterEach(async () => {
  await service?.stop();
  service = undefined;
  await snapshots.close();
  expect(gitlab.unexpected).toEqual([]);
  expect(gitlab.unauthorized).toEqual([]);
  await gitlab.close();
});

describe('/metrics of a server that serves GitLab', () => {
  it('counts the requests the GitLab side made, by route template and status', async () => {
    gitlab.on('GET', '/user', () => ({ body: { id: 11, username: 'apt-snapshots-bot', email: 'bot@example.org' } }));
    const log = captureLog();
    service = await serve({
      env: {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        APT_SNAPSHOTS_SERVER: `${snapshots.url}/`,
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN: TOKEN,
        GITLAB_WEBHOOK_SECRET: 'gitlab-metrics-secret-0123',
      },
      log: log.logger,
    });
    const base = `http://127.0.0.1:${service.port}`;
    // The readiness round asks GitLab for the bot's user; wait until it has answered.
    for (let i = 0; i < 200 && gitlab.requests.length === 0; i += 1) {
      await (await fetch(`${base}/readyz`)).text();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const text = await (await fetch(`${base}/metrics`)).text();

    expect(gitlab.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /user');
    expect(text).toMatch(/^apt_snapshots_bot_gitlab_requests_total\{method="GET",route="\/user",status="200"\} [1-9]/m);
    expect(text).not.toContain(TOKEN);
    expect(log.text()).not.toContain(TOKEN);
  });
});
