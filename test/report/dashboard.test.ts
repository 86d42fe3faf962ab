import { defaultConfig } from '../../src/config/defaults.js';
import type { DashboardBranch, DashboardFacts } from '../../src/flow/dashboard-facts.js';
import type { PinnedSnapshot } from '../../src/flow/expiry.js';
import { byteSize, splitBody } from '../../src/report/dashboard-body.js';
import {
  BODY_LIMIT,
  dashboardJson,
  DASHBOARD_MARKER,
  MERMAID_MAX_TEXT,
  readEmbedded,
  renderDashboard,
  tickedRequests,
} from '../../src/report/dashboard.js';
import { branch, commit, facts, NOW, period, pullRequest, REPO_URL, sha } from './dashboard-fixtures.js';

const config = defaultConfig();

function expiring(
  origin: string,
  serial: string,
  validUntil: string,
  status: PinnedSnapshot['status'],
): PinnedSnapshot {
  return {
    set: 'main',
    dir: 'config/APT_snapshots.d',
    origin,
    path: `config/APT_snapshots.d/${origin}/serial`,
    serial,
    dist: 'stable',
    validUntil: new Date(validUntil),
    status,
  };
}

/** Within the limit however GitHub counts: UTF-16 code units and UTF-8 bytes. */
function expectWithinLimit(body: string): void {
  expect(body.length).toBeLessThanOrEqual(BODY_LIMIT);
  expect(byteSize(body)).toBeLessThanOrEqual(BODY_LIMIT);
  expect(body).toContain(DASHBOARD_MARKER);
  expect(splitBody(body)?.bot.endsWith('<!-- apt-snapshots-dashboard:end -->')).toBe(true);
}

/** Markdown without its code spans (a backtick run up to the next run of the same length) and escaped characters. */
function inert(markdown: string): string {
  let out = '';
  for (let i = 0; i < markdown.length;) {
    const run = /^`+/.exec(markdown.slice(i))?.[0];
    if (run === undefined) {
      out += markdown[i] === '\\' ? '' : (markdown[i] as string);
      i += markdown[i] === '\\' ? 2 : 1;
      continue;
    }
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const end = close.exec(markdown);
    i = end ? end.index + run.length : i + run.length;
  }
  return out;
}

/** The cells of a table row, split where GitHub splits them: on pipes not escaped. */
function cells(row: string): string[] {
  return row
    .slice(2, -2)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function section(body: string, heading: string): string {
  const start = body.indexOf(`### ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = body.indexOf('\n### ', start + 4);
  return body.slice(start, next < 0 ? undefined : next);
}

describe('renderDashboard', () => {
  const devel = branch('devel', {
    role: 'development',
    state: 'frozen',
    wrong: [{ rule: 'tracks-latest', message: 'devel was left frozen: debian is pinned to 2021042701' }],
    since: { sha: sha(2), date: new Date('2021-04-27T10:00:00Z'), subject: 'Freeze APT snapshots for 4.19~beta1.' },
    serials: [
      { set: 'main', origin: 'debian', serial: '2021042701', newest: '2021052001' },
      { set: 'main', origin: 'debian-security', serial: 'latest', newest: '2021052002' },
      { set: 'builder', origin: 'tails', serial: '2021052001', newest: '2021052001' },
    ],
    nearestExpiry: {
      set: 'main',
      origin: 'debian',
      serial: '2021042701',
      validUntil: new Date('2021-06-01T00:00:00Z'),
      status: 'ok',
    },
    attention: [expiring('torproject', '2021042701', '2021-05-22T10:00:00Z', 'expiring')],
  });
  const stable = branch('stable', {
    state: 'unreadable',
    error: 'revision "refs/heads/stable" does not exist',
    serials: [],
  });
  const timeline = {
    branch: 'devel',
    periods: [
      period('thawed', '2021-01-01T00:00:00Z', '2021-04-27T10:00:00Z'),
      period('frozen', '2021-04-27T10:00:00Z', '2021-05-13T10:00:00Z', {
        wrong: ['tracks-latest'],
        first: commit(2, '2021-04-27T10:00:00Z'),
        ongoing: true,
      }),
    ],
  };
  const full = facts({
    branches: [devel, stable],
    timelines: [timeline],
    pullRequests: [pullRequest(12, 'Thaw APT snapshots.')],
    release: {
      tag: '4.19',
      sha: sha(7),
      check: { conclusion: 'success', url: `${REPO_URL}/runs/1` },
      jobs: [{ job: 'tag-apt-snapshots', status: 'started', url: 'https://jenkins.example.org/job/tag/1/' }],
    },
    requests: [
      { action: 'thaw', branch: 'devel' },
      { action: 'bump', branch: 'devel' },
    ],
  });

  it('shows each base branch: its state and failing rules, since when, and its nearest expiry', () => {
    const body = renderDashboard(full, config, { repoUrl: REPO_URL });
    const rows = body.split('\n').filter((l) => l.startsWith('| `'));
    expect(cells(rows[0] as string)).toEqual([
      '`devel` (development)',
      'frozen, **wrong**: `tracks-latest`',
      `2021-04-27, [\`${sha(2).slice(0, 7)}\`](${REPO_URL}/commit/${sha(2)}) Freeze APT snapshots for 4.19\\~beta1.`,
      '`debian` `2021042701`: 2021-06-01 00:00 UTC',
    ]);
    expect(cells(rows[1] as string)).toEqual([
      '`stable` (release)',
      '**unreadable**: revision "refs/heads/stable" does not exist',
      '—',
      '—',
    ]);
  });

  it('says a state may be older than the timeline when the facts say it began with the oldest commit read', () => {
    const since = { sha: sha(1), date: new Date('2020-05-20T12:00:00Z'), subject: 'Oldest read' };
    const render = (sinceOrEarlier: boolean) =>
      renderDashboard(facts({ branches: [branch('testing', { since, sinceOrEarlier })] }), config);
    expect(render(true)).toContain(`| 2020-05-20 or earlier, \`${sha(1).slice(0, 7)}\` Oldest read |`);
    expect(render(false)).toContain(`| 2020-05-20, \`${sha(1).slice(0, 7)}\` Oldest read |`);
  });

  it('lists the serials beside the newest, marking those behind, with the failing findings', () => {
    const serials = section(renderDashboard(full, config), 'Serials');
    expect(serials).toContain('- `tracks-latest`: devel was left frozen: debian is pinned to 2021042701\n');
    const rows = serials
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Set') && !l.startsWith('| ---'));
    expect(rows.map(cells)).toEqual([
      ['main', '`debian`', '`2021042701`', '`2021052001` **behind**'],
      ['main', '`debian-security`', '`latest`', '`2021052002`'],
      ['builder', '`tails`', '`2021052001`', '`2021052001`'],
    ]);
  });

  it('lists what needs attention with the command that bumps it', () => {
    const attention = section(renderDashboard(full, config), 'Needs attention');
    expect(attention).toContain('- `devel`: `torproject` `2021042701` (main set): expires on 2021-05-22 10:00 UTC\n');
    expect(attention).toContain(
      'To extend them by 180 days, run `./bin/bump-APT-snapshots-expiration-date 180` on a checkout of the branch.',
    );
  });

  it.each([
    ['expired', '**expired** on 2021-05-01 00:00 UTC'],
    ['missing', '**not on the snapshot server**'],
  ] as const)('says a snapshot is %s', (status, words) => {
    const b = branch('testing', { attention: [expiring('debian', '2021042701', '2021-05-01T00:00:00Z', status)] });
    expect(section(renderDashboard(facts({ branches: [b] }), config), 'Needs attention')).toContain(words);
  });

  it('says when expiry was not checked, and when nothing expires', () => {
    const offline = renderDashboard(facts({ expiryError: 'the snapshot server was not asked (offline)' }), config);
    expect(section(offline, 'Needs attention')).toContain(
      'Expiry not checked: the snapshot server was not asked \\(offline\\).',
    );
    expect(section(renderDashboard(facts(), config), 'Needs attention')).toContain(
      'No pinned snapshot expires within 30 days.',
    );
  });

  it('draws the timeline of the history days as a Mermaid gantt', () => {
    const chart = section(renderDashboard(full, config), 'Frozen, thawed and wrong');
    expect(chart).toContain('over the last 365 days');
    expect(chart).toMatch(/```mermaid\ngantt\n[\s\S]*\n```\n/);
    expect(chart).toContain('section devel');
    // The ongoing period runs through the end of the day: the chart changes once a day.
    expect(chart).toContain('frozen, wrong (tracks-latest) :crit, active, 2021-04-27 10:00, 2021-05-21 00:00');
  });

  it("names the bot's change requests in the forge's words", () => {
    const words = { name: 'merge request', ref: (n: number) => `!${n}` };
    const body = renderDashboard(full, config, { repoUrl: REPO_URL, changeRequests: words });
    expect(section(body, "The bot's open merge requests")).toContain(
      `- [!12](${REPO_URL}/pull/12) Thaw APT snapshots.`,
    );
    expect(body).toContain('for a person with write access it opens the merge request, then unticks the box.');
    expect(body).not.toContain('pull request');
  });

  it("lists the bot's pull requests, the last release with its check and jobs, or says they are not known", () => {
    const body = renderDashboard(full, config, { repoUrl: REPO_URL });
    expect(section(body, "The bot's open pull requests")).toContain(
      `- [#12](${REPO_URL}/pull/12) Thaw APT snapshots. (\`apt-snapshots-bot/thaw-devel-12\` → \`devel\`)`,
    );
    expect(body).toContain(
      `\n**Last release:** \`4.19\` at [\`${sha(7).slice(0, 7)}\`](${REPO_URL}/commit/${sha(7)}); release check: [success](${REPO_URL}/runs/1); jobs: \`tag-apt-snapshots\` [started](https://jenkins.example.org/job/tag/1/).`,
    );
    const unknown = renderDashboard(facts(), config);
    expect(section(unknown, "The bot's open pull requests")).toContain('Not known here.');
    expect(unknown).toContain('\n**Last release:** not known here.\n');
    const none = renderDashboard(facts({ pullRequests: [], release: null }), config);
    expect(section(none, "The bot's open pull requests")).toContain('None.');
    expect(none).toContain('\n**Last release:** no release tag yet.\n');
  });

  describe('hostile text', () => {
    const evil = 'x|y`z <img src=x onerror=alert(1)> [a](http://evil) -->\n# head';
    const hostile = facts({
      branches: [
        branch(evil, {
          state: 'frozen',
          wrong: [{ rule: 'tracks-latest', message: `bad ${evil}` }],
          since: { sha: sha(3), date: NOW, subject: evil },
          serials: [{ set: 'main', origin: 'debian', serial: '2021051301', newest: evil }],
          attention: [{ ...expiring('debian', '2021051301', '2021-05-22T10:00:00Z', 'unknown'), error: evil }],
        }),
      ],
      pullRequests: [{ ...pullRequest(1, evil), url: 'javascript:alert(1)', head: evil }],
      release: { tag: evil, sha: 'not a sha', jobs: [{ job: evil, status: evil, url: 'http://x/ "y"' }] },
      requests: [{ action: 'bump', branch: evil }],
    });
    const body = renderDashboard(hostile, config, { repoUrl: REPO_URL });

    it('never lets it make HTML, links, headings or comments', () => {
      const bot = splitBody(body)?.bot as string;
      const outsideCode = inert(bot);
      // Every "<" left starts one of the bot's own markers.
      expect(outsideCode.match(/<(?!!-- apt-snapshots-)/g)).toBeNull();
      expect(outsideCode).not.toContain('](http://evil)');
      expect(bot).not.toContain('javascript:');
      expect(bot).not.toContain('"y"');
      expect(bot.split('\n').filter((l) => l.startsWith('#') && !/^#{2,4} /.test(l))).toEqual([]);
      // The start marker, the request's and the end marker: nothing else opens a comment.
      expect(bot.match(/<!--/g)).toHaveLength(3);
      expect(bot.indexOf('<!-- apt-snapshots-dashboard:end -->')).toBe(bot.length - 36);
      expect(tickedRequests(body.replace('- [ ] <!--', '- [x] <!--'))).toEqual([{ action: 'bump', branch: evil }]);
    });

    it('keeps every table row to its columns', () => {
      for (const row of body.split('\n').filter((l) => l.startsWith('| '))) expect(cells(row)).toHaveLength(4);
    });

    it('mentions nobody: an @ in a subject, a message or a title is followed by a zero-width space', () => {
      const at = 'ping @tails/release-managers and @anonym';
      const mentioning = renderDashboard(
        facts({
          branches: [
            branch('testing', {
              wrong: [{ rule: 'tracks-latest', message: at }],
              since: { sha: sha(3), date: NOW, subject: at },
            }),
          ],
          pullRequests: [pullRequest(1, at)],
        }),
        config,
      );
      const bot = splitBody(mentioning)?.bot as string;
      expect(bot.match(/@(?!\u200b)/g)).toBeNull();
      expect(bot.split('ping @\u200btails/release-managers and @\u200banonym')).toHaveLength(4);
    });
  });

  describe('within GitHub limit', () => {
    const ORIGINS = Array.from({ length: 50 }, (_, i) => `origin-${i}`);
    function many(count: number, name = (i: number) => `feature/port-${i}`): DashboardBranch[] {
      return Array.from({ length: count }, (_, i) =>
        branch(name(i), {
          state: 'frozen',
          wrong: [{ rule: 'snapshot-expiry', message: 'expires soon' }],
          since: { sha: sha(i), date: NOW, subject: `Freeze ${i}` },
          serials: ORIGINS.map((origin) => ({ set: 'main', origin, serial: '2021051301', newest: '2021052001' })),
          nearestExpiry: {
            set: 'main',
            origin: 'origin-0',
            serial: '2021051301',
            validUntil: new Date('2021-06-01T00:00:00Z'),
            status: 'expiring',
          },
          attention: ORIGINS.slice(0, 5).map((o) => expiring(o, '2021051301', '2021-06-01T00:00:00Z', 'expiring')),
        }),
      );
    }

    it('fits 500 branches of 50 origins, the requests kept', () => {
      const branches = many(500);
      const body = renderDashboard(
        facts({
          branches,
          timelines: branches.map((b) => ({
            branch: b.branch,
            periods: [period('frozen', '2021-01-01T00:00:00Z', '2021-05-13T00:00:00Z', { ongoing: true })],
          })),
          pullRequests: Array.from({ length: 50 }, (_, i) => pullRequest(i)),
          requests: branches.map((b) => ({ action: 'bump' as const, branch: b.branch })),
        }),
        config,
        { repoUrl: REPO_URL, embed: { timeline: { big: 'x'.repeat(10_000) } } },
      );
      expectWithinLimit(body);
      expect(tickedRequests(body.replace(/- \[ \] <!--/g, '- [x] <!--')).length).toBeGreaterThan(0);
      expect(body).toMatch(/left out to fit|Only the requests are shown/);
    });

    it('fits 30 branches of 50 origins by collapsing the serial tables before anything else it needs', () => {
      const body = renderDashboard(
        facts({ branches: many(30), requests: [{ action: 'thaw', branch: 'devel' }] }),
        config,
        {
          repoUrl: REPO_URL,
          embed: { timeline: { v: 1 } },
        },
      );
      expectWithinLimit(body);
      const serials = section(body, 'Serials');
      expect(serials).toContain('#### `feature/port-0`');
      expect(serials).toContain('- `feature/port-29`: 50 serials pinned, 0 origins at latest, 50 behind the newest\n');
      expect(readEmbedded(body)).toEqual({ timeline: { v: 1 } });
      expect(section(body, "The bot's open pull requests")).toContain('Not known here.');
      expect(body.split('\n').filter((l) => l.startsWith('| `feature/port-'))).toHaveLength(30);
    });

    it('fits 2,000 pull requests, listing what fits and counting the rest', () => {
      const body = renderDashboard(
        facts({
          timelines: [
            {
              branch: 'testing',
              periods: [period('frozen', '2021-01-01T00:00:00Z', '2021-05-13T00:00:00Z', { ongoing: true })],
            },
          ],
          pullRequests: Array.from({ length: 2000 }, (_, i) => pullRequest(i)),
          requests: [{ action: 'freeze', branch: 'testing' }],
        }),
        config,
      );
      expectWithinLimit(body);
      const prs = section(body, "The bot's open pull requests");
      const listed = prs.split('\n').filter((l) => l.startsWith('- [#')).length;
      expect(listed).toBeGreaterThan(100);
      expect(prs).toContain(`- … and ${(2000 - listed).toLocaleString('en-US')} more.`);
      expect(body).toContain('- [ ] <!-- apt-snapshots-request:freeze:testing -->');
    });

    it('fits ten thousand periods by merging the oldest ones in the chart', () => {
      const periods = Array.from({ length: 10_000 }, (_, i) =>
        period(
          i % 2 === 0 ? 'frozen' : 'thawed',
          new Date(Date.UTC(2020, 5, 1) + i * 3_000_000).toISOString(),
          new Date(Date.UTC(2020, 5, 1) + (i + 1) * 3_000_000).toISOString(),
          { ongoing: i === 9_999 },
        ),
      );
      const body = renderDashboard(facts({ timelines: [{ branch: 'testing', periods }] }), config);
      expectWithinLimit(body);
      expect(section(body, 'Frozen, thawed and wrong')).toMatch(/earlier \(\d+ periods, 0 wrong\)/);
    });

    it("keeps the chart within Mermaid's 50,000 characters, which GitHub would refuse to draw, though the issue has room", () => {
      const periods = Array.from({ length: 2_000 }, (_, i) =>
        period(
          i % 2 === 0 ? 'frozen' : 'thawed',
          new Date(Date.UTC(2020, 5, 1) + i * 3_600_000).toISOString(),
          new Date(Date.UTC(2020, 5, 1) + (i + 1) * 3_600_000).toISOString(),
          { ongoing: i === 1_999, ...(i % 3 === 0 ? { wrong: ['tracks-latest'] } : {}) },
        ),
      );
      const timelines = ['stable', 'testing', 'devel'].map((name) => ({ branch: name, periods }));
      const body = renderDashboard(facts({ timelines }), config);
      expectWithinLimit(body);
      const chart = /```mermaid\n([\s\S]*?)```/.exec(body)?.[1] as string;
      expect(chart.length).toBeLessThanOrEqual(MERMAID_MAX_TEXT);
      // Near the cap, not needlessly short, and every branch in it.
      expect(chart.length).toBeGreaterThan(MERMAID_MAX_TEXT - 200);
      expect(chart.match(/^ {4}section /gm)).toHaveLength(3);
      expect(chart).toMatch(/earlier \(\d+ periods, \d+ wrong\)/);
    });

    it('measures in bytes, so that letters outside ASCII cannot push it over', () => {
      const branches = many(200, (i) => `feature/日本語-ü-${i}-${'💥'.repeat(40)}`);
      const body = renderDashboard(
        facts({
          branches,
          requests: branches.slice(0, 100).map((b) => ({ action: 'bump' as const, branch: b.branch })),
        }),
        config,
      );
      expectWithinLimit(body);
    });

    it('drops the embedded data before the requests', () => {
      const body = renderDashboard(facts({ requests: [{ action: 'thaw', branch: 'devel' }] }), config, {
        embed: { timeline: 'x'.repeat(BODY_LIMIT) },
      });
      expectWithinLimit(body);
      expect(readEmbedded(body)).toBeUndefined();
      expect(body).toContain('<!-- apt-snapshots-request:thaw:devel -->');
      expect(body).toContain('| `testing` (release) | frozen |');
    });

    it("keeps a person's long text, and reduces the bot part to the requests and one line", () => {
      const below = `\n\n${'More notes. '.repeat(100)}`;
      // Some 400 bytes left for the bot: enough for the requests, not for the rest.
      const above = `${'N'.repeat(BODY_LIMIT - 400 - below.length)}\n\n`;
      const previousBody = `${above}${DASHBOARD_MARKER}\nold\n<!-- apt-snapshots-dashboard:end -->${below}`;
      const body = renderDashboard(
        facts({ branches: many(20), requests: [{ action: 'thaw', branch: 'devel' }] }),
        config,
        { previousBody },
      );
      expectWithinLimit(body);
      expect(body.startsWith(above)).toBe(true);
      expect(body.endsWith(below)).toBe(true);
      expect(splitBody(body)?.bot).toBe(
        '<!-- apt-snapshots-dashboard -->\n_Only the requests are shown: the text around it leaves too little room in the issue._\n\n### Requests\n\nTick a box to ask the bot for it: for a person with write access it opens the pull request, then unticks the box.\n\n- [ ] <!-- apt-snapshots-request:thaw:devel --> Thaw `devel`\n\n<!-- apt-snapshots-dashboard:end -->',
      );
    });

    it("cuts a person's text only when it alone would fill the issue", () => {
      const above = 'é'.repeat(BODY_LIMIT / 2);
      const body = renderDashboard(facts({ requests: [{ action: 'thaw', branch: 'devel' }] }), config, {
        previousBody: `${above}${DASHBOARD_MARKER}\n<!-- apt-snapshots-dashboard:end -->`,
      });
      expectWithinLimit(body);
      expect(body).toContain('the text around it was cut to fit in the issue');
      expect(above.startsWith(splitBody(body)?.before as string)).toBe(true);
    });
  });
});

describe('dashboardJson', () => {
  it('gives the facts with dates as ISO strings and the periods without their findings', () => {
    const f: DashboardFacts = facts({
      branches: [
        branch('testing', {
          since: { sha: sha(2), date: new Date('2021-04-27T10:00:00Z'), subject: 'Freeze' },
          sinceOrEarlier: true,
          nearestExpiry: {
            set: 'main',
            origin: 'debian',
            serial: '2021051301',
            validUntil: new Date('2021-06-01T00:00:00Z'),
            status: 'expiring',
          },
          attention: [expiring('debian', '2021051301', '2021-05-22T10:00:00Z', 'expiring')],
        }),
      ],
      timelines: [
        {
          branch: 'testing',
          periods: [period('frozen', '2021-04-27T10:00:00Z', '2021-05-13T10:00:00Z', { ongoing: true })],
        },
      ],
      release: null,
      requests: [{ action: 'bump', branch: 'testing' }],
      newestError: 'the snapshot server was not asked (offline)',
    });
    const json = dashboardJson(f) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json).toEqual({
      repository: 'tails/tails',
      generatedAt: '2021-05-20T12:00:00.000Z',
      historyDays: 365,
      branches: [
        {
          branch: 'testing',
          role: 'release',
          tip: { sha: sha(9), date: '2021-05-13T10:00:00.000Z', subject: 'Tip' },
          state: 'frozen',
          wrong: [],
          since: { sha: sha(2), date: '2021-04-27T10:00:00.000Z', subject: 'Freeze' },
          sinceOrEarlier: true,
          serials: [{ set: 'main', origin: 'debian', serial: '2021051301', newest: '2021051301' }],
          nearestExpiry: {
            set: 'main',
            origin: 'debian',
            serial: '2021051301',
            validUntil: '2021-06-01T00:00:00.000Z',
            status: 'expiring',
          },
          attention: [
            {
              set: 'main',
              origin: 'debian',
              path: 'config/APT_snapshots.d/debian/serial',
              serial: '2021051301',
              dist: 'stable',
              validUntil: '2021-05-22T10:00:00.000Z',
              status: 'expiring',
            },
          ],
        },
      ],
      timelines: [
        {
          branch: 'testing',
          periods: [
            {
              status: 'frozen',
              wrong: [],
              first: { sha: sha(1), date: '2021-04-27T10:00:00.000Z', subject: 'Commit 1' },
              commits: 1,
              start: '2021-04-27T10:00:00.000Z',
              end: '2021-05-13T10:00:00.000Z',
              ongoing: true,
            },
          ],
        },
      ],
      release: null,
      requests: [{ action: 'bump', branch: 'testing' }],
      newestError: 'the snapshot server was not asked (offline)',
    });
  });
});
