import type { Registry } from '../../src/registry/agent.ts';
import { makeAgent, type AgentFields } from '../../src/registry/normalise.ts';

export type FixtureAgent = Partial<AgentFields> & { readonly name: string };

/** A small in-memory registry, in the given order; agents default to the native format. */
export function registryOf(agents: readonly FixtureAgent[]): Registry {
  const built = agents.map((fields) => makeAgent({ definitionPath: `${fields.name}.yaml`, sourceFormat: 'native', ...fields }));
  return { agents: built, byName: new Map(built.map((agent) => [agent.name, agent])), version: 'test', issues: [], sources: [] };
}
