import type { Agent } from '../../../registry/agent.ts';
import type { Candidate } from '../../strategy.ts';
import { CANDIDATES } from '../shared.ts';

/** One member strategy's ranking for a request, best first; an empty ranking abstains. */
export interface Ballot {
  readonly member: string;
  readonly ranking: readonly Candidate[];
}

/** Where one agent stands after the vote. */
export interface Tally {
  readonly agent: Agent;
  /** Σ over the members of their confidence in the agent ÷ (1 + its position in their ranking). */
  readonly support: number;
  /** Mean of the voting members' confidences in the agent, 0 from a member that did not rank it. */
  readonly confidence: number;
  /** The voting members whose first choice the agent is, in member order. */
  readonly firstChoiceOf: readonly string[];
  /** The agent's candidate in each voting member's ranking that has it, in member order. */
  readonly candidates: readonly { readonly member: string; readonly candidate: Candidate }[];
}

/**
 * Combines the members' rankings. Each voting member gives every agent in its best
 * CANDIDATES its confidence, discounted by position: a confident second place still counts,
 * so two members that agree on an agent outvote a third that is sure of another. Best
 * support first; ties keep registry order (`position`).
 */
export function countVotes(ballots: readonly Ballot[], position: ReadonlyMap<Agent, number>): Tally[] {
  const voting = ballots.filter((ballot) => ballot.ranking.length > 0);
  const byAgent = new Map<Agent, { support: number; sum: number; firstChoiceOf: string[]; candidates: Tally['candidates'][number][] }>();
  for (const { member, ranking } of voting) {
    ranking.slice(0, CANDIDATES).forEach((candidate, rank) => {
      let entry = byAgent.get(candidate.agent);
      if (entry === undefined) {
        entry = { support: 0, sum: 0, firstChoiceOf: [], candidates: [] };
        byAgent.set(candidate.agent, entry);
      }
      entry.support += candidate.score.total / (1 + rank);
      entry.sum += candidate.score.total;
      if (rank === 0) entry.firstChoiceOf.push(member);
      entry.candidates.push({ member, candidate });
    });
  }
  return [...byAgent]
    .map(([agent, { support, sum, firstChoiceOf, candidates }]): Tally => ({
      agent,
      support,
      confidence: sum / voting.length,
      firstChoiceOf,
      candidates,
    }))
    .sort((a, b) => b.support - a.support || position.get(a.agent)! - position.get(b.agent)!);
}
