import type { RoutingResult } from '../../src/contracts/routing.ts';
import type { Registry } from '../../src/registry/agent.ts';
import { makeAgent, type AgentFields } from '../../src/registry/normalise.ts';
import { Router } from '../../src/routing/router.ts';

export type FixtureAgent = Partial<AgentFields> & { readonly name: string };

/** A small in-memory registry, in the given order; agents default to the native format. */
export function registryOf(agents: readonly FixtureAgent[]): Registry {
  const built = agents.map((fields) => makeAgent({ definitionPath: `${fields.name}.yaml`, sourceFormat: 'native', ...fields }));
  return { agents: built, byName: new Map(built.map((agent) => [agent.name, agent])), version: 'test', issues: [], sources: [] };
}

/** Asks the lexical strategy over `agents`, with no confidence floor and no cache. */
export async function askLexical(agents: readonly FixtureAgent[]): Promise<(request: string) => Promise<RoutingResult>> {
  const router = await Router.create(registryOf(agents), { defaultStrategy: 'lexical', cache: false });
  return (request) => router.route({ user_request: request, options: { min_confidence: 0 } });
}

/** The first agent `ask` recommends, or null. */
export const firstOf = async (result: Promise<RoutingResult>) => (await result).recommendations[0]?.agent_name ?? null;
