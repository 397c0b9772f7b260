/**
 * Explicit requests (SPEC §2): `use agent-x`, `@agent-x`, or a request starting with
 * `agent-x`, tried in the reference router's order so that both pick the same agent.
 * Registries whose names lack the `agent-` prefix (Claude Code subagents such as
 * `vue-expert`) are addressed the same way: `@vue-expert`, `use the vue-expert agent`.
 */
import type { Agent, Registry } from '../registry/agent.ts';
import { SPACE_CHAR, WORD_CHAR } from './python-text.ts';

const NAME = `((?:${WORD_CHAR}|-)+)`;

/**
 * Tried in this order on the lowercased request; like Python's `re.search`, each pattern
 * looks at its first occurrence only. `use x` and a leading name need a name that cannot
 * be an ordinary word (`agent-…`, or hyphenated after `use`), so "use python to…" or a
 * request starting "research …" are not explicit; `@` always is.
 */
const EXPLICIT_PATTERNS: readonly { pattern: RegExp; accepts: (name: string) => boolean }[] = [
  { pattern: new RegExp(`use${SPACE_CHAR}+(?:the${SPACE_CHAR}+)?${NAME}`, 'u'), accepts: (name) => name.includes('-') },
  { pattern: new RegExp(`@${NAME}`, 'u'), accepts: () => true },
  { pattern: new RegExp(`^${NAME}`, 'u'), accepts: (name) => name.startsWith('agent-') },
];

const addressBooks = new WeakMap<Registry, Map<string, Agent>>();

/** Lowercased name or alias → agent, names taking precedence over aliases; built once per registry. */
function addressBook(registry: Registry): Map<string, Agent> {
  let book = addressBooks.get(registry);
  if (book !== undefined) return book;
  book = new Map();
  for (const agent of registry.agents) {
    for (const alias of agent.aliases) if (!book.has(alias.toLowerCase())) book.set(alias.toLowerCase(), agent);
  }
  for (const agent of registry.agents) book.set(agent.name.toLowerCase(), agent);
  addressBooks.set(registry, book);
  return book;
}

/** The agent the request names explicitly, if it exists; the first pattern naming one wins. */
export function findExplicitAgent(text: string, registry: Registry): Agent | undefined {
  const lower = text.toLowerCase();
  const book = addressBook(registry);
  for (const { pattern, accepts } of EXPLICIT_PATTERNS) {
    const name = pattern.exec(lower)?.[1];
    if (name === undefined || !accepts(name)) continue;
    const agent = book.get(name);
    if (agent !== undefined) return agent;
  }
  return undefined;
}
