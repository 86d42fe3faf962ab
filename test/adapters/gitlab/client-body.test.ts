import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gitlabGraphql } from '../../../src/adapters/gitlab/client.js';
import { ForgeError } from '../../../src/ports/forge-error.js';

let server: Server;
let host: string;
let reply: (response: import('node:http').ServerResponse) => void;

beforeEach(async () => {
  server = createServer((_request, response) => reply(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const ask = () =>
  gitlabGraphql(
    { host, token: 'glpat-body-token', timeoutMs: 200, sleep: async () => {} },
    'read a body',
    'query { x }',
    {},
  );

describe('a GitLab answer whose body cannot be read', () => {
  it('fails as this request, naming the endpoint, when the body stops coming', async () => {
    reply = (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":');
    };
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toMatch(
      /^GitLab read a body: POST http:\/\/127\.0\.0\.1:\d+\/api\/graphql answered 200, but its body could not be read: not all of it within 0\.2 s$/,
    );
    expect((error as Error).message).not.toContain('glpat-body-token');
  });

  it('fails as this request when the body is not JSON', async () => {
    reply = (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data": nope');
    };
    await expect(ask()).rejects.toThrow(/answered 200, but its body could not be read: not valid JSON$/);
  });

  it('fails as this request, saying it was cut off, when the connection drops mid-body', async () => {
    reply = (response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"data":', () => response.destroy());
    };
    await expect(ask()).rejects.toThrow(/answered 200, but its body could not be read: cut off \(/);
  });
});
