import path from 'node:path';
import type { Agent, RegistryIssue } from './agent.ts';
import { DECLARES_EXPLICIT_ONLY, withAliases, type AgentEntry } from './normalise.ts';

/** The entries of one file that loaded. */
export interface LoadedFile {
  readonly file: string;
  readonly entries: readonly AgentEntry[];
}

interface Located extends AgentEntry {
  readonly file: string;
  readonly order: number;
}

const where = (e: Located) => `${e.file}:${e.line}`;

/**
 * Of two definitions of one name, a file named exactly after the agent wins over one whose
 * name is derived (`agent-x.yaml` over `x.yaml`, both `agent-x`): an exact file name is an
 * explicit claim to the name. Otherwise the first in registry order wins.
 */
function preferred(a: Located, b: Located): Located {
  const exact = (e: Located) => path.basename(e.file, path.extname(e.file)) === e.agent.name;
  if (exact(a) !== exact(b)) return exact(a) ? a : b;
  return a.order < b.order ? a : b;
}

/**
 * Central index entries that summarise a full definition loaded alongside become aliases of
 * it (`commit` → `agent-commit`) instead of second, thinner agents that would split votes.
 */
function foldIndexEntries(all: readonly Located[], issues: RegistryIssue[]): Located[] {
  const full = new Set(all.filter((e) => e.describes === undefined).map((e) => e.agent.name));
  const aliases = new Map<string, string[]>();
  const kept = all.filter((e) => {
    const target = e.describes?.find((name) => full.has(name));
    if (target === undefined) return true;
    if (target !== e.agent.name) aliases.set(target, [...(aliases.get(target) ?? []), e.agent.name]);
    return false;
  });
  const names = new Set(kept.map((e) => e.agent.name));
  return kept.map((e) => {
    const extra = (aliases.get(e.agent.name) ?? []).filter((alias) => {
      if (!names.has(alias)) return true;
      issues.push({ file: e.file, line: e.line, field: 'aliases', message: `alias '${alias}' of '${e.agent.name}' is also an agent's name; alias dropped`, severity: 'warning' });
      return false;
    });
    return extra.length === 0 ? e : { ...e, agent: withAliases(e.agent, extra) };
  });
}

/**
 * Agents that differ only by name (wshobson ships six copies of `backend-architect` under
 * plugin prefixes) tie on every request; operators should know before users see it.
 */
function reportIdentical(entries: readonly Located[], issues: RegistryIssue[]): void {
  const groups = new Map<string, Located[]>();
  for (const e of entries) {
    const { description, triggers, contextTriggers, antiTriggers, capabilities, domain, examples, explicitOnly } = e.agent;
    if (description === '' || explicitOnly) continue;
    const key = JSON.stringify([description, triggers, contextTriggers, antiTriggers, capabilities, domain, examples]);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const [first, ...others] of groups.values()) {
    if (others.length === 0) continue;
    issues.push({
      file: first.file,
      line: first.line,
      message: `'${first.agent.name}' differs only by name from ${others.map((e) => `'${e.agent.name}'`).join(', ')}: a router cannot tell them apart`,
      severity: 'warning',
    });
  }
}

/**
 * An agent routing never selects is worth a line when only its description's wording made it
 * so (a field is a deliberate setting), and a registry no request can reach but by name is
 * worth one too.
 */
function reportExplicitOnly(entries: readonly Located[], issues: RegistryIssue[]): void {
  for (const e of entries) {
    const declared = e.agent.explicitOnly ? DECLARES_EXPLICIT_ONLY.exec(e.agent.description)?.[0] : undefined;
    if (declared === undefined) continue;
    issues.push({
      file: e.file,
      line: e.descriptionLine ?? e.line,
      field: 'description',
      message: `'${e.agent.name}' is explicit-only: its description says '${declared}', so only an explicit request (@${e.agent.name}) reaches it`,
      severity: 'warning',
    });
  }
  if (entries.length > 0 && entries.every((e) => e.agent.explicitOnly)) {
    const [first] = entries;
    issues.push({ file: first.file, line: first.line, message: 'every agent is explicit-only: routing can select none of them', severity: 'warning' });
  }
}

/**
 * One agent per name, in registry order. Every duplicate is reported as a warning that
 * names both definitions; the loser's file stays loaded for its other agents.
 */
export function mergeFiles(files: readonly LoadedFile[]): { agents: Agent[]; issues: RegistryIssue[] } {
  const issues: RegistryIssue[] = [];
  let order = 0;
  const all = files.flatMap(({ file, entries }) => entries.map((entry) => ({ ...entry, file, order: order++ })));
  const candidates = foldIndexEntries(all, issues);

  const winners = new Map<string, Located>();
  for (const entry of candidates) {
    const other = winners.get(entry.agent.name);
    winners.set(entry.agent.name, other ? preferred(other, entry) : entry);
  }
  for (const entry of candidates) {
    const winner = winners.get(entry.agent.name);
    if (winner === undefined || winner === entry) continue;
    issues.push({
      file: entry.file,
      line: entry.line,
      field: 'name',
      message: `duplicate agent name '${entry.agent.name}': ignored here, kept the definition at ${where(winner)}`,
      severity: 'warning',
    });
  }
  const kept = candidates.filter((e) => winners.get(e.agent.name) === e);
  reportIdentical(kept, issues);
  reportExplicitOnly(kept, issues);
  return { agents: kept.map((e) => e.agent), issues };
}
