import { manifestChanges, parseBuildManifest, type BuildManifest } from '../../src/domain/build-manifest.js';

function manifest(serials: Record<string, string>, binary: string[], source: string[] = []): BuildManifest {
  const yaml = [
    'origin_references:',
    ...Object.entries(serials).map(([origin, reference]) => `  - { origin: ${origin}, reference: '${reference}' }`),
    'packages:',
    '  binary:',
    ...binary.map((p) => `    - { package: ${p.split('=')[0]}, version: '${p.split('=')[1]}', arch: amd64 }`),
    `  source:${source.length === 0 ? ' []' : ''}`,
    ...source.map((p) => `    - { package: ${p.split('=')[0]}, version: '${p.split('=')[1]}' }`),
    '',
  ].join('\n');
  const result = parseBuildManifest(yaml, 'm');
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('parseBuildManifest', () => {
  it('reads serials, quoted or not, and packages', () => {
    const result = parseBuildManifest(
      "origin_references:\n  - origin: debian\n    reference: 2021051301\npackages:\n  binary:\n    - package: tor\n      version: '0.4'\n      arch: amd64\n  source: []\n",
      'tails.build-manifest',
    );
    expect(result).toEqual({
      ok: true,
      value: {
        serials: new Map([['debian', '2021051301']]),
        binary: [{ package: 'tor', version: '0.4', arch: 'amd64' }],
        source: [],
      },
    });
  });

  it.each([
    ['not: [yaml', /^x: invalid YAML at line 1/],
    ['[]', /^x is not a build manifest: the document: /],
    ['origin_references: []\npackages: { binary: [], source: [] }\n', /origin_references: Too small/i],
    [
      "origin_references: [{ origin: Debian, reference: '2021051301' }]\npackages: { binary: [], source: [] }\n",
      /origin_references\[0\]\.origin: is not an origin name/,
    ],
    [
      "origin_references: [{ origin: d, reference: '1' }, { origin: d, reference: '2021051301' }]\npackages: { binary: [], source: [] }\n",
      /reference "1" is not a serial/,
    ],
    [
      "origin_references: [{ origin: d, reference: '2021051301' }, { origin: d, reference: '2021051302' }]\npackages: { binary: [], source: [] }\n",
      /names d twice/,
    ],
    [
      "origin_references: [{ origin: d, reference: '2021051301' }]\npackages: { binary: [{ package: tor }], source: [] }\n",
      /packages\.binary\[0\]\.version/,
    ],
  ])('names what is wrong in %j', (text, error) => {
    const result = parseBuildManifest(text, 'x');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });
});

describe('manifestChanges', () => {
  it('lists changed serials and packages added, removed, upgraded and downgraded by Debian version order', () => {
    const previous = manifest(
      { debian: '2021042701', torproject: '2021042701', gone: '2021042701' },
      ['tor=0.4.5.7-1', 'firefox=78.10.0esr-1', 'old=1.0', 'same=2', 'back=1.10', 'epoch=1.0'],
      ['tor=0.4.5.7-1'],
    );
    const current = manifest(
      { debian: '2021051301', torproject: '2021042701', new: '2021051301' },
      ['tor=0.4.5.8-1~d10', 'firefox=78.10.0esr-1~deb10u1', 'added=3', 'same=2', 'back=1.9', 'epoch=0:1.0'],
      ['tor=0.4.5.8-1~d10'],
    );
    expect(manifestChanges(previous, current)).toEqual({
      serials: [
        { origin: 'debian', from: '2021042701', to: '2021051301' },
        { origin: 'gone', from: '2021042701' },
        { origin: 'new', to: '2021051301' },
      ],
      binary: {
        added: [{ package: 'added', arch: 'amd64', to: '3' }],
        removed: [{ package: 'old', arch: 'amd64', from: '1.0' }],
        upgraded: [{ package: 'tor', arch: 'amd64', from: '0.4.5.7-1', to: '0.4.5.8-1~d10' }],
        downgraded: [
          { package: 'back', arch: 'amd64', from: '1.10', to: '1.9' },
          { package: 'firefox', arch: 'amd64', from: '78.10.0esr-1', to: '78.10.0esr-1~deb10u1' },
        ],
      },
      source: {
        added: [],
        removed: [],
        upgraded: [{ package: 'tor', from: '0.4.5.7-1', to: '0.4.5.8-1~d10' }],
        downgraded: [],
      },
    });
  });
});
