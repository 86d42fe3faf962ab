import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseTriggers } from '../../src/app/release/triggers.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { deploymentConfig } from '../../src/config/deployment.js';

describe('deploymentConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-deployment-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is the shipped defaults without APT_SNAPSHOTS_BOT_CONFIG', () => {
    expect(deploymentConfig({})).toEqual(defaultConfig());
  });

  it('merges the deployment’s file over the defaults, jobs included', async () => {
    const file = join(dir, 'ok.yml');
    await writeFile(file, "jobs:\n  build_IUKs:\n    readiness_url: 'https://iso.example/{version}/'\n");
    const config = deploymentConfig({ APT_SNAPSHOTS_BOT_CONFIG: file });
    expect(config.jobs.build_IUKs.readiness_url).toBe('https://iso.example/{version}/');
    expect(config.branches).toEqual(defaultConfig().branches);
  });

  it('stops the app at start, naming the file and the field, when the file is invalid or missing', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(file, 'jobs:\n  build_IUKs:\n    poll_first_seconds: 0\n');
    expect(() => deploymentConfig({ APT_SNAPSHOTS_BOT_CONFIG: file })).toThrow(
      `APT_SNAPSHOTS_BOT_CONFIG=${file} is invalid:\n  ${file}: jobs.build_IUKs.poll_first_seconds:`,
    );
    expect(() => deploymentConfig({ APT_SNAPSHOTS_BOT_CONFIG: join(dir, 'none.yml') })).toThrow(
      /^APT_SNAPSHOTS_BOT_CONFIG=.*none\.yml: ENOENT/,
    );
  });
});

describe('releaseTriggers', () => {
  const withWebhook = () => {
    const config = defaultConfig();
    return {
      ...config,
      jobs: {
        ...config.jobs,
        build_IUKs: {
          ...config.jobs.build_IUKs,
          trigger: {
            type: 'webhook' as const,
            url: 'https://ci.example/hook',
            secret_env: 'CI_SECRET',
            timeout_ms: 1000,
          },
        },
      },
    };
  };

  it('makes a trigger for each job that has one, none for the others', () => {
    const triggers = releaseTriggers(withWebhook(), { CI_SECRET: 's3cret-value' }, {});
    expect(Object.keys(triggers)).toEqual(['build_IUKs']);
    expect(triggers.build_IUKs?.describe({ job: 'build_IUKs', parameters: { A: '1' } })).toMatchObject({
      method: 'POST',
      url: 'https://ci.example/hook',
    });
  });

  it('refuses to start without a credential, naming the variable and never a value', () => {
    expect(() => releaseTriggers(withWebhook(), {}, {})).toThrow(/CI_SECRET/);
  });
});
