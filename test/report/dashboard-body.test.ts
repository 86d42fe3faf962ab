import { defaultConfig } from '../../src/config/defaults.js';
import type { DashboardRequest } from '../../src/flow/dashboard-facts.js';
import { DASHBOARD_END, requestMarker, splitBody } from '../../src/report/dashboard-body.js';
import {
  DASHBOARD_MARKER,
  readEmbedded,
  renderDashboard,
  tickedRequests,
  untick,
  carryTicks,
} from '../../src/report/dashboard.js';
import { branch, facts } from './dashboard-fixtures.js';

const config = defaultConfig();
const HOSTILE = ['feature/a-->b', 'x y\n- [x] <!-- apt-snapshots-request:thaw:devel -->', 'é/ü💥', "a'b(c)*!~._%"];

function body(requests: DashboardRequest[], previousBody?: string, embed?: Record<string, unknown>): string {
  return renderDashboard(facts({ requests, branches: [branch('testing')] }), config, {
    ...(previousBody === undefined ? {} : { previousBody }),
    ...(embed === undefined ? {} : { embed }),
  });
}

function tick(text: string, request: DashboardRequest): string {
  const line = `- [ ] ${requestMarker(request)}`;
  expect(text).toContain(line);
  return text.replace(line, `- [x] ${requestMarker(request)}`);
}

const requests: DashboardRequest[] = [
  { action: 'freeze', branch: 'testing' },
  { action: 'thaw', branch: 'devel' },
  { action: 'bump', branch: 'stable' },
];

describe('the bot part of the dashboard', () => {
  it('starts with the marker findIssue looks for and a note on where people may write', () => {
    const text = body(requests);
    const parts = splitBody(text);
    expect(parts?.bot.startsWith(DASHBOARD_MARKER)).toBe(true);
    expect(parts?.bot.endsWith(DASHBOARD_END)).toBe(true);
    expect(parts?.before).toMatch(/^_The bot rewrites only its own part of this issue.*kept\._\n\n$/);
    expect(parts?.after).toBe('');
  });

  it('writes each request as an unticked box with its hidden marker', () => {
    const text = body(requests);
    expect(text).toContain(
      '- [ ] <!-- apt-snapshots-request:freeze:testing --> Freeze `testing` to the newest snapshots\n',
    );
    expect(text).toContain('- [ ] <!-- apt-snapshots-request:thaw:devel --> Thaw `devel`\n');
    expect(text).toContain('- [ ] <!-- apt-snapshots-request:bump:stable --> Bump `stable` to the newest snapshots\n');
    expect(tickedRequests(text)).toEqual([]);
  });

  it('keeps the text a person wrote above and below the bot part byte for byte', () => {
    const above = 'Release manager notes:\r\n\r\n- [x] <!-- apt-snapshots-request:thaw:devel --> mine\r\n\r\n';
    const below = '\r\n\r\nSee also #123 <!-- apt-snapshots-dashboard -->\r\n';
    const first = body(requests);
    const edited = `${above}${splitBody(first)?.bot}${below}`;
    const next = body([{ action: 'thaw', branch: 'devel' }], edited);
    expect(next.startsWith(above)).toBe(true);
    expect(next.endsWith(below)).toBe(true);
    expect(splitBody(next)?.bot).not.toContain('freeze:testing');
  });

  it('keeps a body without the bot part as a person text above it', () => {
    const next = body(requests, 'I removed everything.');
    expect(next.startsWith('I removed everything.\n\n<!-- apt-snapshots-dashboard -->\n')).toBe(true);
  });

  it('reads the ticked boxes of the bot part only, in the exact form the bot writes', () => {
    const above = '- [x] <!-- apt-snapshots-request:bump:testing --> a person list above\n\n';
    const below = '\n- [x] <!-- apt-snapshots-request:freeze:devel --> and below\n';
    const rendered = body(requests);
    const ticked = tick(tick(rendered, requests[0] as DashboardRequest), requests[2] as DashboardRequest);
    const text = `${above}${splitBody(ticked)?.bot}${below}`;
    expect(tickedRequests(text)).toEqual([requests[0], requests[2]]);
    // GitHub's editor may send the body back with CRLF line endings.
    expect(tickedRequests(text.replace(/\n/g, '\r\n'))).toEqual([requests[0], requests[2]]);
    expect(
      tickedRequests(
        text.replace('- [x] <!-- apt-snapshots-request:freeze', '- [X] <!-- apt-snapshots-request:freeze'),
      ),
    ).toEqual([requests[0], requests[2]]);
  });

  it.each([
    ['an indented box', '  - [x] <!-- apt-snapshots-request:thaw:devel -->'],
    ['a box without a space', '- [x]<!-- apt-snapshots-request:thaw:devel -->'],
    ['an unknown action', '- [x] <!-- apt-snapshots-request:delete:devel -->'],
    ['a marker that is not percent-encoding', '- [x] <!-- apt-snapshots-request:thaw:%E0%A4%A -->'],
    ['a name with a space', '- [x] <!-- apt-snapshots-request:thaw:a b -->'],
    ['a box a person wrote as "[*]"', '- [*] <!-- apt-snapshots-request:thaw:devel -->'],
  ])('asks for nothing with %s', (_what, line) => {
    const rendered = body([]);
    const text = rendered.replace(DASHBOARD_END, `${line} x\n${DASHBOARD_END}`);
    expect(tickedRequests(text)).toEqual([]);
  });

  it('reads nothing from a body without the bot part', () => {
    expect(tickedRequests('- [x] <!-- apt-snapshots-request:thaw:devel --> Thaw')).toEqual([]);
  });

  it('lists a request ticked twice once', () => {
    const rendered = tick(body([{ action: 'thaw', branch: 'devel' }]), { action: 'thaw', branch: 'devel' });
    const doubled = rendered.replace(
      DASHBOARD_END,
      `- [x] <!-- apt-snapshots-request:thaw:devel -->\n${DASHBOARD_END}`,
    );
    expect(tickedRequests(doubled)).toEqual([{ action: 'thaw', branch: 'devel' }]);
  });

  it.each(HOSTILE)('carries the branch name %j through its marker unchanged, on one line', (name) => {
    const request: DashboardRequest = { action: 'bump', branch: name };
    const marker = requestMarker(request);
    expect(marker).toMatch(/^<!-- apt-snapshots-request:bump:[A-Za-z0-9%._~!*'()]+ -->$/);
    expect(marker.slice(4, -3)).not.toContain('--');
    expect(tickedRequests(tick(body([request]), request))).toEqual([request]);
  });

  it('unticks every box of the bot part, leaves the rest alone, and does it once', () => {
    const above = '- [x] <!-- apt-snapshots-request:bump:testing --> mine\n';
    const rendered = body(requests, `${above}<!-- apt-snapshots-dashboard -->old<!-- apt-snapshots-dashboard:end -->`);
    const ticked = tick(tick(rendered, requests[1] as DashboardRequest), requests[2] as DashboardRequest);
    const unticked = untick(ticked);
    expect(unticked).toBe(rendered);
    expect(unticked.startsWith(above)).toBe(true);
    expect(untick(unticked)).toBe(unticked);
    expect(tickedRequests(unticked)).toEqual([]);
    expect(untick('no dashboard here - [x] <!-- apt-snapshots-request:thaw:devel -->')).toBe(
      'no dashboard here - [x] <!-- apt-snapshots-request:thaw:devel -->',
    );
  });
});

describe('untick and carryTicks', () => {
  it('unticks only the boxes asked for', () => {
    const rendered = body(requests);
    const both = tick(tick(rendered, requests[1] as DashboardRequest), requests[2] as DashboardRequest);
    expect(tickedRequests(untick(both, [requests[1] as DashboardRequest]))).toEqual([requests[2]]);
  });

  it('ticks again in a new body the boxes ticked in the one it replaces, and only those it still offers', () => {
    const previous = tick(body(requests), requests[1] as DashboardRequest);
    expect(tickedRequests(carryTicks(body(requests), previous))).toEqual([requests[1]]);
    expect(tickedRequests(carryTicks(body([requests[0] as DashboardRequest]), previous))).toEqual([]);
    expect(carryTicks(body(requests), undefined)).toBe(body(requests));
  });
});

describe('the embedded data', () => {
  it('comes back as it was given, whatever it holds', () => {
    const embed = { timeline: { v: 1, branches: { 'a-->b': { note: 'x --> <!-- y\n' } } }, n: 3 };
    const text = body([], undefined, embed);
    expect(readEmbedded(text)).toEqual(embed);
    // Only the start marker, the data and the end marker close a comment: the data's own "-->" is escaped.
    expect(splitBody(text)?.bot.match(/-->/g)).toHaveLength(3);
  });

  it('is only read from the bot part: a person cannot plant it around', () => {
    const fake = '<!-- apt-snapshots-dashboard-data {"timeline":{"forged":true}} -->\n';
    const text = `${fake}${body([])}\n${fake}`;
    expect(readEmbedded(text)).toBeUndefined();
    expect(readEmbedded('no dashboard')).toBeUndefined();
  });

  it('is undefined once edited into something that is not an object', () => {
    const text = body([], undefined, { a: 1 }).replace('{"a":1}', '{"a":');
    expect(readEmbedded(text)).toBeUndefined();
  });
});
