import { applyConfigOverride } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { fillTemplate, releaseJobs } from '../../src/release/jobs.js';

const INPUTS = {
  tag: '4.19-rc1',
  version: '4.19~rc1',
  sourceDateEpoch: 1620893928,
  sourceVersions: ['4.18', '4.19~beta1'],
};

describe('releaseJobs', () => {
  it('derives every input from Git, and says what each job waits for', () => {
    expect(releaseJobs(INPUTS, defaultConfig())).toEqual([
      { job: 'tag-apt-snapshots', parameters: { TAG: '4.19-rc1', BUILD_MANIFEST: '' }, waitingFor: 'manifest' },
      {
        job: 'build_IUKs',
        parameters: {
          TAILS_GIT_COMMIT: '4.19-rc1',
          SOURCE_DATE_EPOCH: '1620893928',
          NEW_VERSION: '4.19~rc1',
          SOURCE_VERSIONS: '4.18 4.19~beta1',
          EXTRA_ARGS: '',
        },
        waitingFor: 'readiness',
      },
    ]);
  });

  it('has build_IUKs do nothing for the first release of a major version, which has nothing to upgrade from', () => {
    const [, iuks] = releaseJobs({ ...INPUTS, tag: '5.0', version: '5.0', sourceVersions: [] }, defaultConfig());
    expect(iuks).toEqual({
      job: 'build_IUKs',
      parameters: expect.objectContaining({ SOURCE_VERSIONS: '' }),
      nothingToDo:
        'no earlier release of major version 5 to upgrade from (SOURCE_VERSIONS is empty, as bin/iuk-source-versions 5.0 prints nothing)',
    });
  });

  it('passes the manifest URL and the configured EXTRA_ARGS', () => {
    const result = applyConfigOverride(
      defaultConfig(),
      "release:\n  iuk:\n    extra_args: '--union-type overlayfs'\n",
      'deployment.yml',
      { trusted: true },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const jobs = releaseJobs({ ...INPUTS, manifestUrl: 'https://ci.example/4.19-rc1.build-manifest' }, result.config);
    expect(jobs[0]).toEqual({
      job: 'tag-apt-snapshots',
      parameters: { TAG: '4.19-rc1', BUILD_MANIFEST: 'https://ci.example/4.19-rc1.build-manifest' },
    });
    expect(jobs[1]).toMatchObject({ parameters: { EXTRA_ARGS: '--union-type overlayfs' }, waitingFor: 'readiness' });
  });

  it('leaves SOURCE_DATE_EPOCH empty when the changelog has no date (the release check fails then)', () => {
    const undated = { tag: INPUTS.tag, version: INPUTS.version, sourceVersions: INPUTS.sourceVersions };
    expect(releaseJobs(undated, defaultConfig())[1]?.parameters.SOURCE_DATE_EPOCH).toBe('');
  });
});

describe('fillTemplate', () => {
  it('fills {tag} and {version}, encoded for a URL', () => {
    expect(fillTemplate('https://x/{tag}/tails-{version}.iso', { tag: '4.19-rc1', version: '4.19~rc1' })).toBe(
      'https://x/4.19-rc1/tails-4.19~rc1.iso',
    );
    expect(fillTemplate('https://x/{tag}', { tag: 'a/b?c', version: '' })).toBe('https://x/a%2Fb%3Fc');
  });
});
