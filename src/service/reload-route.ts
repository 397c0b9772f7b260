import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SwitchboardError } from '../errors.ts';
import type { RegistryReloader } from './registry-reloader.ts';

/**
 * `POST /reload`, the admin endpoint: loads the registry files again now. Answers 200
 * `{result: ok|unchanged, registry_version, agents}`, or 422 with the `file:line` errors when
 * the change is rejected (the last good registry keeps serving). It needs `authorization:
 * Bearer <admin token>` (401 without it), and is off (403) when the service has no token.
 */
export function registerReloadRoute(app: FastifyInstance, reloader: RegistryReloader, adminToken: string | undefined): void {
  app.post('/reload', async (request, reply) => {
    if (adminToken === undefined) {
      throw new SwitchboardError('ADMIN_DISABLED', 'POST /reload is off: start the service with --admin-token or SWITCHBOARD_ADMIN_TOKEN to enable it');
    }
    const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (given === undefined || !sameSecret(given, adminToken)) {
      request.log.warn({ remote: request.ip }, 'POST /reload refused: missing or wrong admin token');
      reply.header('www-authenticate', 'Bearer');
      throw new SwitchboardError('UNAUTHORIZED', 'POST /reload needs the admin token: authorization: Bearer <token>');
    }
    const outcome = await reloader.reload();
    if (outcome.result !== 'rejected') return reply.send(outcome);
    return reply.code(422).send({
      error_code: 'REGISTRY_LOAD_FAILED',
      error_message: `registry change rejected (${outcome.errors.length} error${outcome.errors.length === 1 ? '' : 's'}): still serving ${outcome.registry_version}`,
      ...outcome,
    });
  });
}

/** Compares digests in constant time: neither the token nor its length shows in the response time. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
