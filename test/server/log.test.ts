import { describeError, serverLog } from '../../src/server/log.js';

describe('serverLog', () => {
  it.each([
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL=loud is not one of trace, debug, info, warn, error, fatal, silent'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT=xml is neither json nor pretty'],
  ])('refuses %j, naming the variable', async (env: Record<string, string>, message) => {
    // Probot's types allow only the right words in LOG_LEVEL: the environment is anyone's to write.
    await expect(serverLog(env as NodeJS.ProcessEnv)).rejects.toThrow(message);
  });
});

describe('describeError', () => {
  it('keeps the kind, message, status and stack of an error, and never the webhook or request it carries', () => {
    const error = Object.assign(new Error('GitHub said 502'), {
      status: 502,
      event: { payload: { pusher: { email: 'intrigeri@example.org' } } },
      request: { headers: { authorization: 'token ghs_secret' } },
    });
    const shown = describeError(error);
    expect(shown).toEqual({ type: 'Error', message: 'GitHub said 502', status: 502, stack: error.stack });
    expect(JSON.stringify(shown)).not.toMatch(/example\.org|ghs_secret/);
  });

  it('leaves what is no error as it is', () => {
    expect(describeError('plain words')).toBe('plain words');
  });
});
