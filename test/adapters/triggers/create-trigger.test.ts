import type { Logger } from 'probot';
import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import type { TriggerLogger } from '../../../src/adapters/triggers/trigger-options.js';
import type { TriggerConfig } from '../../../src/config/schema.js';
import { UsageError } from '../../../src/errors.js';

const TIMEOUTS = { timeout_ms: 1000 };
const CONFIGS: Array<[string, TriggerConfig, string, string]> = [
  [
    'jenkins',
    {
      type: 'jenkins',
      url: 'https://jenkins.example.org/',
      job: 'build_IUKs',
      user_env: 'J_USER',
      token_env: 'J_TOKEN',
      queue_timeout_ms: 0,
      ...TIMEOUTS,
    },
    'J_TOKEN',
    'token_env',
  ],
  [
    'gitlab',
    {
      type: 'gitlab',
      url: 'https://gitlab.example.org',
      project: 'tails/tails',
      ref: 'master',
      token_env: 'GL_TOKEN',
      ...TIMEOUTS,
    },
    'GL_TOKEN',
    'token_env',
  ],
  [
    'github-actions',
    {
      type: 'github-actions',
      api_url: 'https://api.github.com',
      repository: 'tails/tails',
      workflow: 'b.yml',
      ref: 'stable',
      token_env: 'GH_TOKEN',
      ...TIMEOUTS,
    },
    'GH_TOKEN',
    'token_env',
  ],
  [
    'webhook',
    { type: 'webhook', url: 'https://hooks.example.org/x', secret_env: 'HOOK_SECRET', ...TIMEOUTS },
    'HOOK_SECRET',
    'secret_env',
  ],
];
const FULL_ENV = { J_USER: 'bot', J_TOKEN: 't', GL_TOKEN: 't', GH_TOKEN: 't', HOOK_SECRET: 't' };

describe('createTrigger', () => {
  it.each(CONFIGS)('makes a %s trigger when its credentials are set', (_type, config) => {
    const trigger = createTrigger(config, FULL_ENV);
    expect(trigger.description).toMatch(/^(Jenkins|GitLab|GitHub Actions|webhook) at https:\/\//);
  });

  it.each(CONFIGS)(
    'refuses at creation a %s trigger whose credential variable is missing or empty',
    (_type, config, variable, field) => {
      for (const value of [undefined, '']) {
        const env = { ...FULL_ENV, [variable]: value };
        expect(() => createTrigger(config, env)).toThrow(UsageError);
        expect(() => createTrigger(config, env)).toThrow(
          `the environment variable ${variable} (named by ${field}) is not set`,
        );
      }
    },
  );

  it('refuses a credential with a line end, naming the variable and not the value', () => {
    const [, jenkins] = CONFIGS[0]!;
    const env = { ...FULL_ENV, J_TOKEN: 'tok-3e1f9a\n' };
    expect(() => createTrigger(jenkins, env)).toThrow(
      'Jenkins at https://jenkins.example.org, job build_IUKs: the environment variable J_TOKEN (named by token_env) contains a line break or another control character',
    );
    try {
      createTrigger(jenkins, env);
    } catch (error) {
      expect((error as Error).message).not.toContain('tok-3e1f9a');
    }
  });

  it('makes a command trigger, which needs no credential', () => {
    const trigger = createTrigger(
      { type: 'command', argv: ['/usr/local/bin/start-job', 'build_IUKs'], timeout_ms: 1000 },
      {},
    );
    expect(trigger.description).toBe('command /usr/local/bin/start-job build_IUKs');
  });

  it("takes Probot's logger as its log", () => {
    const probotLog = { info: () => undefined, warn: () => undefined } as unknown as Logger;
    const log: TriggerLogger = probotLog;
    expect(() => createTrigger(CONFIGS[3]![1], FULL_ENV, { log })).not.toThrow();
  });
});
