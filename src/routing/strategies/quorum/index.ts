import type { Agent, Registry } from '../../../registry/agent.ts';
import type { Candidate, PreparedStrategy, ScoringStrategy, StrategyInput, StrategyServices } from '../../strategy.ts';
import { enhancedFuzzyMatching } from '../enhanced-fuzzy.ts';
import { hybrid } from '../hybrid/index.ts';
import { lexical } from '../lexical/index.ts';
import { semantic } from '../semantic/index.ts';
import { CANDIDATES, contextScore, strength } from '../shared.ts';
import { countVotes, type Ballot, type Tally } from './vote.ts';

export interface QuorumOptions {
  /** The strategies that vote; one that finds no candidate for a request abstains. */
  readonly members: readonly ScoringStrategy[];
  /**
   * Share of the voting members (0..1) that must rank the top candidate first; below it the
   * decision is flagged contested in its reason and explanation. The decision itself stands:
   * answering no match instead lost more right answers than it caught (docs/benchmarks.md).
   */
  readonly threshold: number;
}

/** Largest value of a breakdown component among the members that ranked the agent (0 if none measured it). */
function strongest(tally: Tally, component: 'trigger' | 'capability' | 'semantic'): number {
  return Math.max(0, ...tally.candidates.map(({ candidate }) => candidate.score[component] ?? 0));
}

/** `first choice of 2 of 3 strategies (lexical, hybrid)`. */
function firstChoice(tally: Tally, voters: number): string {
  const { firstChoiceOf } = tally;
  return firstChoiceOf.length === 0
    ? `first choice of none of ${voters} strategies`
    : `first choice of ${firstChoiceOf.length} of ${voters} strategies (${firstChoiceOf.join(', ')})`;
}

/** `lexical preferred agent-a, semantic preferred agent-b`: the members that voted for another agent. */
function dissent(agent: Agent, ballots: readonly Ballot[]): string | undefined {
  const others = ballots.filter(({ ranking }) => ranking.length > 0 && ranking[0].agent !== agent);
  return others.length === 0 ? undefined : others.map(({ member, ranking }) => `${member} preferred ${ranking[0].agent.name}`).join(', ');
}

export function createQuorum({ members, threshold }: QuorumOptions): ScoringStrategy {
  const usesEmbeddings = members.some((member) => member.usesEmbeddings);
  return {
    name: 'quorum',
    description: `Confidence-weighted vote of ${members.map((member) => member.name).join(', ')}; the agreement on each candidate is in its explanation`,
    usesEmbeddings,
    async prepare(registry: Registry, services: StrategyServices): Promise<PreparedStrategy> {
      const prepared: PreparedStrategy[] = [];
      // In turn, not at once: members that embed then share the vector cache the first one writes.
      for (const member of members) prepared.push(await member.prepare(registry, services));
      const position = new Map(registry.agents.map((agent, index) => [agent, index]));

      return {
        rank(input: StrategyInput): Candidate[] {
          const ballots = members.map((member, index): Ballot => ({ member: member.name, ranking: prepared[index].rank(input) }));
          const voters = ballots.filter((ballot) => ballot.ranking.length > 0).length;
          const abstained = ballots.filter((ballot) => ballot.ranking.length === 0).map((ballot) => `${ballot.member} found no candidate`);

          // Support decides the order; each total is capped by the one above it so that the
          // order and the totals agree (the top candidate keeps its own confidence).
          let ceiling = 1;
          return countVotes(ballots, position)
            .slice(0, CANDIDATES)
            .map((tally, index): Candidate => {
              const { agent } = tally;
              const total = Math.min(ceiling, tally.confidence);
              ceiling = total;
              const contested = index === 0 && tally.firstChoiceOf.length / voters < threshold;
              const agreement = `${contested ? 'contested, ' : ''}${firstChoice(tally, voters)}`;
              // The member most confident in this agent speaks for its evidence.
              const advocate = tally.candidates.reduce((best, next) => (next.candidate.score.total > best.candidate.score.total ? next : best));
              return {
                agent,
                score: {
                  total,
                  trigger: strongest(tally, 'trigger'),
                  context: contextScore(agent.domain, input.context.domain),
                  capability: strongest(tally, 'capability'),
                  historical: input.historical(agent.name) ?? 0.5,
                  ...(usesEmbeddings ? { semantic: strongest(tally, 'semantic') } : {}),
                },
                get reason() {
                  return `${agreement[0].toUpperCase()}${agreement.slice(1)}; ${advocate.member}: ${advocate.candidate.reason}`;
                },
                get explanation() {
                  const notes = [index === 0 ? dissent(agent, ballots) : undefined, ...abstained].filter(Boolean);
                  return `${agent.name}: ${strength(total)} (${total.toFixed(2)}), ${[agreement, ...notes].join('; ')}`;
                },
              };
            });
        },
      };
    },
  };
}

/**
 * Members and threshold chosen on the dev sets: all four built-in strategies (the reference
 * algorithm adds trigger evidence the others miss on ONEX registries, and abstains where
 * it finds nothing), and at least half of the voting members behind the top candidate
 * (below that, the dev sets' decisions were right about half the time, against 80–90 %).
 */
export const quorum = createQuorum({ members: [lexical, semantic, hybrid, enhancedFuzzyMatching], threshold: 0.5 });
