import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import { closedPortUrl } from '../../helpers/http-server.js';
import { scriptDir, asReceived } from './fakes/command-scripts.js';
import { fakeClock } from './fakes/fake-clock.js';
import { startFakeGitHub } from './fakes/fake-github.js';
import { startFakeGitLab } from './fakes/fake-gitlab.js';
import { startFakeJenkins } from './fakes/fake-jenkins.js';
import { HOOK_PATH, startFakeWebhookReceiver } from './fakes/fake-webhook-receiver.js';
import { describeTriggerContract, HOSTILE_REQUEST } from './trigger.contract.js';

const TOKEN = 'jenkins-api-token-11d7c3f1e0b6d6a4';
const INPUTS = Object.keys(HOSTILE_REQUEST.parameters);
/** Short, so that a hanging CI costs a test little. */
const TIMEOUT_MS = 150;

describeTriggerContract('Jenkins', async () => {
  const jenkins = await startFakeJenkins({
    user: 'apt-bot',
    token: TOKEN,
    jobs: ['release/tag_APT_snapshots'],
    csrf: true,
  });
  const env = { JENKINS_USER: 'apt-bot', JENKINS_TOKEN: TOKEN };
  return {
    ci: 'Jenkins',
    secrets: [TOKEN, Buffer.from(`apt-bot:${TOKEN}`).toString('base64')],
    make: async (behaviour, log) => {
      if (behaviour !== 'unreachable') jenkins.behaviour = behaviour;
      const url = behaviour === 'unreachable' ? await closedPortUrl() : jenkins.url;
      const config = {
        type: 'jenkins' as const,
        url,
        job: 'release/tag_APT_snapshots',
        user_env: 'JENKINS_USER',
        token_env: 'JENKINS_TOKEN',
        timeout_ms: TIMEOUT_MS,
        queue_timeout_ms: 60_000,
      };
      return createTrigger(config, env, { ...fakeClock(), log });
    },
    received: async () => jenkins.received,
    refusalSent: false,
    statuses: { refuse: 403, fail: 502 },
    close: () => jenkins.server.close(),
  };
});

describeTriggerContract('GitLab', async () => {
  const token = 'glptt-0123456789abcdef0123';
  const gitlab = await startFakeGitLab({ project: 'tails/tails', token, refs: ['master'] });
  return {
    ci: 'GitLab',
    secrets: [token],
    make: async (behaviour, log) => {
      if (behaviour !== 'unreachable') gitlab.behaviour = behaviour;
      const url = behaviour === 'unreachable' ? await closedPortUrl() : gitlab.url;
      const config = {
        type: 'gitlab' as const,
        url,
        project: 'tails/tails',
        ref: 'master',
        token_env: 'GITLAB_TRIGGER_TOKEN',
        timeout_ms: TIMEOUT_MS,
      };
      return createTrigger(config, { GITLAB_TRIGGER_TOKEN: token }, { ...fakeClock(), log });
    },
    received: async () => gitlab.received,
    refusalSent: false,
    statuses: { refuse: 400, fail: 502 },
    close: () => gitlab.server.close(),
  };
});

describeTriggerContract('GitHub Actions', async () => {
  const token = 'ghp_0123456789abcdefghijklmnopqrstuvwxyz';
  const github = await startFakeGitHub({
    repository: 'tails/tails',
    workflow: 'tag-apt-snapshots.yml',
    token,
    refs: ['stable'],
    inputs: INPUTS,
    prefix: '/api/v3',
  });
  return {
    ci: 'GitHub Actions',
    secrets: [token],
    make: async (behaviour, log) => {
      if (behaviour !== 'unreachable') github.behaviour = behaviour;
      const url = behaviour === 'unreachable' ? `${await closedPortUrl()}/api/v3` : github.url;
      const config = {
        type: 'github-actions' as const,
        api_url: url,
        repository: 'tails/tails',
        workflow: 'tag-apt-snapshots.yml',
        ref: 'stable',
        token_env: 'GH_DISPATCH_TOKEN',
        timeout_ms: TIMEOUT_MS,
      };
      return createTrigger(config, { GH_DISPATCH_TOKEN: token }, { ...fakeClock(), log });
    },
    received: async () => github.received,
    refusalSent: false,
    statuses: { refuse: 422, fail: 502 },
    close: () => github.server.close(),
  };
});

describeTriggerContract('webhook', async () => {
  const secret = 'whsec-9f8e7d6c5b4a39281706';
  const receiver = await startFakeWebhookReceiver(secret);
  return {
    ci: 'the webhook receiver',
    secrets: [secret],
    make: async (behaviour, log) => {
      if (behaviour !== 'unreachable') receiver.behaviour = behaviour;
      const url = behaviour === 'unreachable' ? `${await closedPortUrl()}${HOOK_PATH}` : receiver.url;
      const config = { type: 'webhook' as const, url, secret_env: 'HOOK_SECRET', timeout_ms: TIMEOUT_MS };
      return createTrigger(config, { HOOK_SECRET: secret }, { ...fakeClock(), log });
    },
    received: async () => receiver.received,
    refusalSent: false,
    statuses: { refuse: 422, fail: 502 },
    close: () => receiver.server.close(),
  };
});

describeTriggerContract('command', async () => {
  const scripts = await scriptDir();
  // The bot's own environment holds secrets the command must not inherit.
  const secret = 'deployment-secret-5e4d3c2b1a';
  const env = { PATH: process.env.PATH, HOME: scripts.dir, JENKINS_TOKEN: secret };
  return {
    ci: 'the command',
    secrets: [secret],
    make: async (behaviour, log) => {
      const program = behaviour === 'unreachable' ? `${scripts.dir}/missing-program` : process.execPath;
      const config = {
        type: 'command' as const,
        argv: [program, scripts.recorder, scripts.record, behaviour],
        timeout_ms: TIMEOUT_MS * 2,
      };
      return createTrigger(config, env, { log });
    },
    received: async () => (await scripts.runs()).map(asReceived),
    refusalSent: true,
    close: () => scripts.close(),
  };
});
