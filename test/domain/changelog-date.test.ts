import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrailerDate } from '../../src/domain/changelog-date.js';

/** What Tails computes: `date --date="$(dpkg-parsechangelog --show-field=Date)" +%s`, or why it cannot. */
async function tailsEpoch(trailer: string): Promise<number | 'no date' | 'refused'> {
  const dir = await mkdtemp(join(tmpdir(), 'apt-snapshots-bot-trailer-'));
  try {
    const file = join(dir, 'changelog');
    await writeFile(file, `tails (4.20) unstable; urgency=medium\n\n  * x\n\n${trailer}\n`);
    const date = execFileSync('dpkg-parsechangelog', ['-l', file, '--show-field=Date'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (date === '') return 'no date';
    try {
      const out = execFileSync('date', ['--date', date, '+%s'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
      });
      return Number(out.trim());
    } catch {
      return 'refused';
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const READ = [
  ' -- x <x@y>  Mon, 12 Jul 2021 13:50:41 +0200',
  ' -- x <x@y> Mon, 12 Jul 2021 13:50:41 +0200',
  ' -- x <x@y>  12 Jul 2021 13:50:41 +0200',
  ' -- x <x@y>  Tue, 12 Jul 2021 13:50:41 +0200',
  ' -- x <x@y>  monday, 12 jul 2021 13:50:41 +0200',
  ' -- x <x@y>  Mon, 12 July 2021 13:50:41 +0200',
  ' -- x <x@y>  Mon, 12 JUL 2021 3:50:41 +0200',
  ' -- x <x@y>  Fri, 2 Jul 2021 13:50:41 -0500',
  ' -- x <x@y>  Mon,12  Jul  2021 13:50:41 +0200  ',
  ' -- x <x@y>  Thurs, 12 Sept 2021 13:50:41 +0000',
  ' -- Name With <angle> <x@y>  Mon, 12 Jul 2021 13:50:41 +0130',
];

const REFUSED = [
  ' -- x <x@y>  Mon, 12 Jul 2021 13:50:41 UTC',
  ' -- x <x@y>  Mon, 12 Jul 2021 13:50:41 GMT',
  ' -- x <x@y>   Mon, 12 Jul 2021 13:50:41 +0200',
  ' -- x <x@y>  Foo, 12 Jul 2021 13:50:41 +0200',
  ' -- x <x@y>  Mon, 12 Jly 2021 13:50:41 +0200',
  ' -- x <x@y>  Mon, 31 Jun 2021 13:50:41 +0200',
  ' -- x <x@y>  Mon, 12 Jul 2021 24:50:41 +0200',
  ' -- x <x@y>  Mon, 12 Jul 21 13:50:41 +0200',
];

describe('parseTrailerDate', () => {
  it.each(READ)('reads %j as dpkg-parsechangelog and date(1) do', async (line) => {
    const expected = await tailsEpoch(line);
    expect(typeof expected).toBe('number');
    const result = parseTrailerDate(line);
    expect(result.ok && result.value.getTime() / 1000).toBe(expected);
  });

  it.each(REFUSED)('refuses %j, which gives Tails no date or one date(1) refuses', async (line) => {
    expect(typeof (await tailsEpoch(line))).toBe('string');
    expect(parseTrailerDate(line).ok).toBe(false);
  });

  it('says why, naming what is wrong', () => {
    const error = (line: string) => {
      const result = parseTrailerDate(line);
      return result.ok ? '' : result.error;
    };
    expect(error(' -- x <x@y>  Mon, 12 Jul 2021 13:50:41 UTC')).toMatch(/a zone must be numeric/);
    expect(error(' -- x <x@y>  Foo, 12 Jul 2021 13:50:41 +0200')).toMatch(/unknown weekday "Foo"/);
    expect(error(' -- x <x@y>  Mon, 12 Jly 2021 13:50:41 +0200')).toMatch(/unknown month "Jly"/);
    expect(error(' -- x <x@y>  Mon, 31 Jun 2021 13:50:41 +0200')).toMatch(/impossible date: day 31 of month 6/);
    expect(error(' -- x <x@y>  Mon, 12 Jul 1969 13:50:41 +0200')).toMatch(/year before 1970/);
  });
});
