import { probeWhile } from '../../bench/probe-latency.js';
import { startHttpServer } from '../helpers/http-server.js';

describe('probeWhile', () => {
  it('asks /readyz and /metrics in turn until the load ends, and says how long each answer took', async () => {
    const server = await startHttpServer({
      '/readyz': [{ status: 503, body: '{}' }, { body: '{}' }],
      '/metrics': { body: '# metrics\n', delayMs: 20 },
    });
    try {
      const load = new Promise((resolve) => setTimeout(resolve, 150));
      const result = await probeWhile(server.url, load, 10);
      expect(result.readyz.count).toBeGreaterThanOrEqual(2);
      expect(result.metrics.count).toBe(result.readyz.count);
      expect(result.metrics.p50).toBeGreaterThanOrEqual(20);
      expect(result.notOk).toEqual(['/readyz: 503']);
      expect(server.requests.map((r) => r.url).slice(0, 4)).toEqual(['/readyz', '/metrics', '/readyz', '/metrics']);
    } finally {
      await server.close();
    }
  });
});
