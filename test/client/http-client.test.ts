/** RoutingHttpClient against the service's POST /route: answers, failed answers and the typed errors. */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import { RoutingFailedError, RoutingTimeoutError, RoutingTransportError } from '../../src/client/errors.ts';
import { RoutingHttpClient } from '../../src/client/http-client.ts';
import { startService } from '../../src/service/serve.ts';
import { COMMIT, REGISTRY, silent } from '../service/helpers.ts';

/** A plain HTTP server answering as `listener` says; its base URL. */
async function server(t: TestContext, listener: RequestListener): Promise<string> {
  const http = createServer(listener);
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  t.after(() => {
    http.closeAllConnections();
    http.close();
  });
  return `http://127.0.0.1:${(http.address() as { port: number }).port}`;
}

describe('RoutingHttpClient', { timeout: 20_000 }, () => {
  test('returns the service decision; a refused request is a RoutingFailedError with its code', async (t) => {
    const running = await startService({ logger: silent, registry: [REGISTRY], httpPort: 0, strategy: 'lexical' });
    t.after(() => running.stop());
    const client = new RoutingHttpClient(running.url);
    const result = await client.send({ user_request: COMMIT, options: { max_recommendations: 2 } });
    assert.equal(result.selected_agent, 'commit');
    assert.ok(result.recommendations.length <= 2);
    await assert.rejects(client.send({ user_request: COMMIT, options: { routing_strategy: 'telepathy' } }), (error: unknown) => {
      assert.ok(error instanceof RoutingFailedError);
      assert.equal(error.errorCode, 'INVALID_REQUEST');
      assert.match(error.message, /telepathy/);
      return true;
    });
  });

  test('no answer within the timeout is a RoutingTimeoutError', async (t) => {
    const url = await server(t, () => undefined);
    await assert.rejects(new RoutingHttpClient(url).send({ user_request: COMMIT }, { timeoutMs: 50 }), RoutingTimeoutError);
  });

  test('a refused connection or an unreadable answer is a RoutingTransportError', async (t) => {
    await assert.rejects(new RoutingHttpClient('http://127.0.0.1:59999').send({ user_request: COMMIT }), (error: unknown) => error instanceof RoutingTransportError && /ECONNREFUSED/.test(error.message));
    const html = await server(t, (_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    await assert.rejects(new RoutingHttpClient(html).send({ user_request: COMMIT }), (error: unknown) => error instanceof RoutingTransportError && /unreadable 502 answer/.test(error.message));
    const wrong = await server(t, (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"selected_agent": 7}'));
    await assert.rejects(new RoutingHttpClient(wrong).send({ user_request: COMMIT }), (error: unknown) => error instanceof RoutingTransportError && /unreadable 200 answer/.test(error.message));
  });
});
