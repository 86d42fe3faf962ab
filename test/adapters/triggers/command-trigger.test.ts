import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTrigger } from '../../../src/adapters/triggers/create-trigger.js';
import type { JobRequest, JobTrigger } from '../../../src/ports/job-trigger.js';
import { scriptDir, type ScriptDir } from './fakes/command-scripts.js';
import { recordingLogger, type RecordingLogger } from './fakes/fake-clock.js';
import { triggerFailure } from './failure.js';

let scripts: ScriptDir;
let log: RecordingLogger;

function command(argv: string[], timeoutMs = 2000, env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): JobTrigger {
  return createTrigger({ type: 'command', argv, timeout_ms: timeoutMs }, env, { log });
}

/** Whether a process still runs: gone, or dead and waiting for an init that may never reap it (a zombie). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat);
}

function request(parameters: Record<string, string>): JobRequest {
  return { job: 'build_IUKs', parameters };
}

beforeEach(async () => {
  scripts = await scriptDir();
  log = recordingLogger();
});

afterEach(async () => {
  await scripts.close();
});

describe('CommandTrigger', () => {
  it('hands a hostile value to the program verbatim, through the environment, and no shell runs it', async () => {
    const keep = join(scripts.dir, 'keep');
    await mkdir(keep);
    const pwned = join(scripts.dir, 'pwned');
    const hostile = `$(touch ${pwned}); rm -rf ${keep}; \`touch ${pwned}\` | touch ${pwned} & "'\n`;
    const script = await scripts.write(
      'save.sh',
      '#!/bin/sh\nprintf %s "$NOTE" > "$OUT"\nprintf %s "$1" > "$OUT.arg"\n',
    );
    const out = join(scripts.dir, 'out');

    await command([script, `$(touch ${pwned})`]).trigger(request({ NOTE: hostile, OUT: out }));

    expect(await readFile(out, 'utf8')).toBe(hostile);
    expect(await readFile(`${out}.arg`, 'utf8')).toBe(`$(touch ${pwned})`);
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(keep)).toBe(true);
  });

  it("gives the program PATH, HOME and the parameters, nothing else of the bot's environment", async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: scripts.dir,
      JENKINS_TOKEN: 'secret',
      LANG: 'C.UTF-8',
      NODE_OPTIONS: '',
    };
    await command([process.execPath, scripts.recorder, scripts.record, 'accept'], 2000, env).trigger(
      request({ TAG: '4.19-rc1' }),
    );
    const [run] = await scripts.runs();
    expect(run?.env).toEqual({ PATH: process.env.PATH, HOME: scripts.dir, TAG: '4.19-rc1' });
  });

  it('takes the last line it prints as the link when it is an http(s) URL', async () => {
    const started = await command([process.execPath, scripts.recorder, scripts.record, 'accept']).trigger(request({}));
    expect(started).toEqual({ status: 'started', url: 'https://ci.example/job/tag-apt-snapshots/5/' });
    const chatty = await scripts.write('chatty.sh', '#!/bin/sh\necho https://ci.example/1\necho done\n\n');
    expect(await command([chatty]).trigger(request({}))).toEqual({ status: 'started' });
  });

  it('fails with the end of the error output when the program exits non-zero, as the job may have started', async () => {
    const noisy = await scripts.write(
      'noisy.sh',
      '#!/bin/sh\nhead -c 200000 /dev/zero | tr "\\0" x >&2\necho >&2\necho "line 1" >&2\necho "error: the CI said no" >&2\nexit 3\n',
    );
    const error = await triggerFailure(command([noisy]).trigger(request({})));
    expect(error.sent).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(
      /: could not start build_IUKs: exited with status 3; its error output ends with: .*line 1\\nerror: the CI said no; the command may have taken the job/,
    );
    expect(error.message.length).toBeLessThan(1200);
  });

  it('kills the program and what it started when the timeout passes', async () => {
    const pidFile = join(scripts.dir, 'sleep.pid');
    const slow = await scripts.write(
      'slow.sh',
      `#!/bin/sh\necho started >&2\nsleep 30 &\necho $! > ${pidFile}\nwait\n`,
    );
    const began = performance.now();
    const error = await triggerFailure(command([slow], 200).trigger(request({})));
    expect(performance.now() - began).toBeLessThan(1500);
    expect(error.sent).toBe(true);
    expect(error.message).toContain('did not finish within 200 ms and was killed; its error output ends with: started');
    expect(log.lines.join('\n')).toContain('still running after 200 ms, stopping it');
    const sleeper = Number(await readFile(pidFile, 'utf8'));
    expect(await running(sleeper)).toBe(false);
  });

  it('kills a program that ignores SIGTERM', async () => {
    const stubborn = await scripts.write(
      'stubborn.mjs',
      "process.on('SIGTERM', () => console.error('ignoring SIGTERM'));\nsetInterval(() => undefined, 1000);\n",
    );
    const began = performance.now();
    const error = await triggerFailure(command([process.execPath, stubborn], 200).trigger(request({})));
    expect(performance.now() - began).toBeLessThan(1500);
    expect(error.message).toContain('was killed');
  });

  it('does not wait for something it left running that keeps its output open', async () => {
    const forks = await scripts.write('forks.sh', '#!/bin/sh\n(sleep 1 &)\necho https://ci.example/2\n');
    const began = performance.now();
    expect(await command([forks]).trigger(request({}))).toEqual({ status: 'started', url: 'https://ci.example/2' });
    expect(performance.now() - began).toBeLessThan(900);
  });

  it('says the job was not started when the program is missing or not executable', async () => {
    const notExecutable = join(scripts.dir, 'plain.sh');
    await writeFile(notExecutable, '#!/bin/sh\n');
    for (const [argv, why] of [
      [[join(scripts.dir, 'absent')], 'no such program'],
      [[notExecutable], 'not executable'],
      [['apt-snapshots-no-such-command'], 'no such program in PATH'],
    ] as const) {
      const error = await triggerFailure(command([...argv]).trigger(request({})));
      expect(error.sent).toBe(false);
      expect(error.message).toContain(`could not run ${argv[0]}: ${why}`);
    }
  });

  it('says the job was not started when the configured argv cannot be run at all', async () => {
    const error = await triggerFailure(command([process.execPath, 'a\0b']).trigger(request({})));
    expect(error.sent).toBe(false);
    expect(error.message).toContain(`could not run ${process.execPath}: `);
    expect(await scripts.runs()).toEqual([]);
  });

  it('refuses a parameter that would replace PATH or HOME, or that an environment variable cannot hold', async () => {
    const trigger = command([process.execPath, scripts.recorder, scripts.record, 'accept']);
    expect(() => trigger.describe(request({ PATH: '/tmp' }))).toThrow(
      "parameter PATH would replace the program's own PATH",
    );
    const error = await triggerFailure(trigger.trigger(request({ EXTRA_ARGS: 'a\0b' })));
    expect(error.sent).toBe(false);
    expect(error.message).toContain('parameter EXTRA_ARGS contains a NUL byte');
    expect(await scripts.runs()).toEqual([]);
  });

  it('describes the command line as a shell would quote it', () => {
    const trigger = command(['/opt/ci/start job', "it's", '--ref=4.19-rc1']);
    expect(trigger.describe(request({ TAG: '4.19-rc1' }))).toEqual({
      method: 'exec',
      url: "'/opt/ci/start job' 'it'\\''s' --ref=4.19-rc1",
      parameters: { TAG: '4.19-rc1' },
      headers: [],
    });
    expect(trigger.description).toBe("command '/opt/ci/start job' 'it'\\''s' --ref=4.19-rc1");
  });
});
