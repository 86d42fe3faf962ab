import { triggerSchema } from '../../src/config/schema.js';

function problems(trigger: unknown): string[] {
  const result = triggerSchema.safeParse(trigger);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const JENKINS = {
  type: 'jenkins',
  url: 'https://jenkins.example.org/',
  job: 'release/build_IUKs',
  user_env: 'JENKINS_USER',
  token_env: 'JENKINS_TOKEN',
  timeout_ms: 30000,
  queue_timeout_ms: 60000,
};

describe('triggerSchema', () => {
  it('takes a Jenkins job in a folder', () => {
    expect(problems(JENKINS)).toEqual([]);
  });

  it.each([
    ['https://bot:hunter2@jenkins.example.org/', 'credentials'],
    ['https://jenkins.example.org/?token=abc', 'a query'],
    ['https://jenkins.example.org/#x', 'a fragment'],
  ])('refuses the trigger URL %s, which would carry %s', (url) => {
    expect(problems({ ...JENKINS, url })).toEqual([
      'url: must not contain credentials, a query or a fragment (credentials come from the *_env variables)',
    ]);
    expect(problems({ type: 'webhook', url, secret_env: 'S', timeout_ms: 1000 })).toHaveLength(1);
  });

  it('refuses "." and ".." in a Jenkins job or a GitHub repository, which URL parsing would resolve away', () => {
    expect(problems({ ...JENKINS, job: 'release/../admin' })).toEqual(['job: must not have a "." or ".." segment']);
    const github = {
      type: 'github-actions',
      api_url: 'https://api.github.com',
      repository: 'tails/..',
      workflow: 'build.yml',
      ref: 'stable',
      token_env: 'T',
      timeout_ms: 1000,
    };
    expect(problems(github)).toEqual(['repository: must not have a "." or ".." segment']);
    expect(problems({ ...github, repository: 'tails/tails.github.io' })).toEqual([]);
  });
});
