/**
 * `enhanced_fuzzy_matching`: the Python reference router's algorithm (REFERENCE-ROUTER.md),
 * reproduced decision for decision so that a migrating team sees the same routing.
 * Its quirks (noise matches from whole-request similarity, single-word triggers that need
 * an "action context") are kept on purpose; better behaviour belongs in other strategies.
 */
import type { Agent, Registry } from '../../registry/agent.ts';
import type { Candidate, PreparedStrategy, ScoreBreakdown, ScoringStrategy, StrategyInput } from '../strategy.ts';
import { ratioAgainst, ratioUpperBound } from '../sequence-matcher.ts';
import {
  ANY_BUT_NEWLINE,
  SPACE_CHAR,
  WORD_BOUNDARY as B,
  escapeRegExp,
  findWords,
  formatPercent,
  occursAsWholeWords,
  pythonLength,
  splitOnWhitespace,
} from '../python-text.ts';

const STOP_WORDS = new Set([
  'the', 'a', 'an', 'and', 'or', 'but', 'in', 'on', 'at', 'to', 'for', 'of', 'with', 'by', 'from', 'as',
  'is', 'was', 'are', 'were', 'been', 'be', 'have', 'has', 'had', 'do', 'does', 'did', 'will', 'would',
  'should', 'could', 'may', 'might', 'must', 'can', 'this', 'that', 'these', 'those', 'i', 'you', 'he',
  'she', 'it', 'we', 'they', 'me', 'him', 'her', 'us', 'them', 'my', 'your', 'his', 'its', 'our', 'their',
]);
const MIN_KEYWORD_LENGTH = 3;

/** Domain words unambiguous enough to match without any invocation context. */
const CONTEXT_FREE_TRIGGERS = new Set([
  'debug', 'error', 'bug', 'troubleshoot', 'investigate', 'diagnose', 'fix', 'resolve', 'issue', 'problem',
  'failure', 'crash', 'test', 'testing', 'quality', 'coverage', 'validate', 'verify', 'optimize',
  'performance', 'benchmark', 'bottleneck', 'profile', 'efficiency', 'speed', 'slow', 'latency', 'security',
  'audit', 'vulnerability', 'penetration', 'compliance', 'threat', 'risk', 'secure', 'deploy', 'deployment',
  'infrastructure', 'devops', 'pipeline', 'container', 'kubernetes', 'docker', 'monitor', 'observability',
  'document', 'docs', 'research', 'analyze', 'analysis', 'api', 'endpoint', 'microservice', 'architecture',
  'design', 'frontend', 'backend', 'react', 'typescript', 'python', 'fastapi',
]);

const S = SPACE_CHAR;
/** Requests that talk about polymorphism as a technique (or about a person) rather than invoke an agent. */
const TECHNIQUE_TALK = [
  `${B}polymorphic${S}+(?:architecture|design|pattern|approach|system|code|style)${B}`,
  `${B}polymorphism${B}`,
  `${B}pollyanna${B}`,
  `${B}using${S}+polymorphi`,
  `${B}(?:poly|polly)${S}+(?:suggested|mentioned|said|thinks|believes)${B}`,
];
let techniqueTalk: readonly RegExp[] | undefined;

/** TECHNIQUE_TALK compiled on first use: compiling these Unicode patterns takes milliseconds, which a process routing with another strategy need not spend. */
function techniqueTalkPatterns(): readonly RegExp[] {
  techniqueTalk ??= TECHNIQUE_TALK.map((source) => new RegExp(source, 'u'));
  return techniqueTalk;
}

const INVOKING_VERB = `${B}(?:use|spawn|dispatch|coordinate|invoke|call|run|execute|trigger)${B}`;
/** The reference expects different follow-ups after long (> 6 characters) and short single-word triggers. */
const LONG_TRIGGER_LENGTH = 6;
const AFTER_LONG_TRIGGER = '(?:agent|coordinator|for workflow)';
const AFTER_SHORT_TRIGGER = '(?:coordinate|manage|handle|execute|for workflow)';

const FUZZY_THRESHOLD = 0.7;
const OVERLAP_THRESHOLD = 0.5;
const EXACT_SCORE = 1.0;
const FUZZY_WEIGHT = 0.9;
const KEYWORD_WEIGHT = 0.8;
const CAPABILITY_WEIGHT = 0.7;

const WEIGHT = { trigger: 0.4, context: 0.3, capability: 0.2, historical: 0.1 } as const;
const GENERAL_DOMAIN = 'general';
const UNKNOWN_HISTORY = 0.5;
const NO_CAPABILITIES_SCORE = 0.5;

interface CompiledTrigger {
  /** As written in the registry: reasons quote it verbatim. */
  readonly text: string;
  readonly lower: string;
  /** In code points, as Python counts. */
  readonly length: number;
  readonly contextFree: boolean;
  readonly multiWord: boolean;
  /**
   * What puts a single-word trigger in an invoking context: a verb before it, or an
   * agent-ish follow-up after it. Empty (never consulted) for the other triggers.
   */
  readonly actionContext: readonly RegExp[];
}

interface IndexedAgent {
  readonly agent: Agent;
  readonly triggers: readonly CompiledTrigger[];
  readonly triggerWords: ReadonlySet<string>;
  readonly capabilityWords: ReadonlySet<string>;
  readonly capabilitiesLower: readonly string[];
}

/** What every agent is scored against, computed once per request. */
interface RequestView {
  readonly lower: string;
  readonly keywords: ReadonlySet<string>;
  readonly whitespaceWords: ReadonlySet<string>;
  readonly talksAboutTechnique: boolean;
  /** Whether the trigger occurs as whole words (Python `\b<trigger>\b`). */
  readonly occurs: (trigger: CompiledTrigger) => boolean;
  /** See fuzzySimilarity: exact only above the fuzzy threshold. */
  readonly similarity: (trigger: CompiledTrigger) => number;
}

interface TriggerEvidence {
  readonly score: number;
  readonly reason: string;
}

function compileTrigger(text: string): CompiledTrigger {
  const lower = text.toLowerCase();
  const contextFree = CONTEXT_FREE_TRIGGERS.has(lower);
  const multiWord = splitOnWhitespace(lower).length > 1;
  return {
    text,
    lower,
    length: pythonLength(lower),
    contextFree,
    multiWord,
    actionContext: contextFree || multiWord ? [] : actionContextPatterns(lower),
  };
}

function actionContextPatterns(lower: string): RegExp[] {
  const escaped = escapeRegExp(lower);
  const after = pythonLength(lower) > LONG_TRIGGER_LENGTH ? AFTER_LONG_TRIGGER : AFTER_SHORT_TRIGGER;
  return [
    new RegExp(`${INVOKING_VERB}${ANY_BUT_NEWLINE}*${B}${escaped}${B}`, 'u'),
    new RegExp(`${B}${escaped}${B}${ANY_BUT_NEWLINE}*${after}`, 'u'),
  ];
}

function wordsOf(phrases: readonly string[]): Set<string> {
  return new Set(phrases.flatMap((phrase) => findWords(phrase.toLowerCase())));
}

/**
 * The reference reads only the central index's `activation_triggers` (our `triggers`).
 * Other formats keep explicit and context triggers apart, and both name situations the
 * agent is for, so for them the two lists are matched alike.
 */
function routingTriggers(agent: Agent): readonly string[] {
  return agent.sourceFormat === 'central_index' ? agent.triggers : [...agent.triggers, ...agent.contextTriggers];
}

function indexAgent(agent: Agent): IndexedAgent {
  const triggers = routingTriggers(agent);
  return {
    agent,
    triggers: triggers.map(compileTrigger),
    triggerWords: wordsOf(triggers),
    capabilityWords: wordsOf(agent.capabilities),
    capabilitiesLower: agent.capabilities.map((capability) => capability.toLowerCase()),
  };
}

/** A request word, or the whole request, indexed for similarity on first use. */
interface ComparableText {
  readonly length: number;
  readonly ratio: (trigger: string) => number;
}

function comparable(text: string): ComparableText {
  let ratio: ((trigger: string) => number) | undefined;
  return { length: pythonLength(text), ratio: (trigger) => (ratio ??= ratioAgainst(text))(trigger) };
}

/**
 * The reference's fuzzy similarity: the best difflib ratio of the trigger to any request word
 * or to the whole request. Exact when above the fuzzy threshold; below it, only known to be
 * at most the threshold, because comparisons that cannot exceed it are skipped.
 */
function fuzzySimilarity(trigger: CompiledTrigger, texts: readonly ComparableText[]): number {
  let best = 0;
  for (const text of texts) {
    if (ratioUpperBound(trigger.length, text.length) <= Math.max(best, FUZZY_THRESHOLD)) continue;
    best = Math.max(best, text.ratio(trigger.lower));
  }
  return best;
}

/** Per-request memo keyed by the lowercased trigger: agents share many triggers. */
function memoized<T>(compute: (trigger: CompiledTrigger) => T): (trigger: CompiledTrigger) => T {
  const memo = new Map<string, T>();
  return (trigger) => {
    if (!memo.has(trigger.lower)) memo.set(trigger.lower, compute(trigger));
    return memo.get(trigger.lower) as T;
  };
}

function viewRequest(text: string): RequestView {
  const lower = text.toLowerCase();
  const words = findWords(lower);
  const comparables = [...new Set(words), lower].map(comparable);
  const occurs = memoized((trigger) => occursAsWholeWords(lower, trigger.lower));
  return {
    lower,
    keywords: new Set(words.filter((word) => !STOP_WORDS.has(word) && pythonLength(word) >= MIN_KEYWORD_LENGTH)),
    whitespaceWords: new Set(splitOnWhitespace(lower)),
    talksAboutTechnique: techniqueTalkPatterns().some((pattern) => pattern.test(lower)),
    occurs,
    // An exact whole-word occurrence counts as similarity 1.0.
    similarity: memoized((trigger) => (occurs(trigger) ? 1 : fuzzySimilarity(trigger, comparables))),
  };
}

/** The reference's context gate: does the request invoke rather than merely mention the trigger? */
function inInvokingContext(trigger: CompiledTrigger, request: RequestView): boolean {
  if (trigger.contextFree) return true;
  if (request.talksAboutTechnique) return false;
  if (trigger.multiWord) return true;
  return trigger.actionContext.some((pattern) => pattern.test(request.lower));
}

/** Share of the request's keywords found among `words`. */
function overlap(keywords: ReadonlySet<string>, words: ReadonlySet<string>): number {
  if (keywords.size === 0 || words.size === 0) return 0;
  let shared = 0;
  for (const keyword of keywords) if (words.has(keyword)) shared++;
  return shared / keywords.size;
}

/**
 * The agent's best trigger evidence, or undefined when it has none. Candidates are tried
 * in the reference's order and only a strictly higher score replaces the best so far.
 */
function triggerEvidence(indexed: IndexedAgent, request: RequestView): TriggerEvidence | undefined {
  let best: TriggerEvidence | undefined;
  const consider = (score: number, reason: string): void => {
    if (!best || score > best.score) best = { score, reason };
  };
  for (const trigger of indexed.triggers) {
    if (request.occurs(trigger) && inInvokingContext(trigger, request)) {
      consider(EXACT_SCORE, `Exact match: '${trigger.text}'`);
    }
  }
  for (const trigger of indexed.triggers) {
    const similarity = request.similarity(trigger);
    if (similarity > FUZZY_THRESHOLD && inInvokingContext(trigger, request)) {
      consider(similarity * FUZZY_WEIGHT, `Fuzzy match: '${trigger.text}' (${formatPercent(similarity)})`);
    }
  }
  const keywordShare = overlap(request.keywords, indexed.triggerWords);
  if (keywordShare > OVERLAP_THRESHOLD) {
    consider(keywordShare * KEYWORD_WEIGHT, `Keyword overlap (${formatPercent(keywordShare)})`);
  }
  const capabilityShare = overlap(request.keywords, indexed.capabilityWords);
  if (capabilityShare > OVERLAP_THRESHOLD) {
    consider(capabilityShare * CAPABILITY_WEIGHT, `Capability match (${formatPercent(capabilityShare)})`);
  }
  return best;
}

function contextScore(agentDomain: string, requestDomain: string): number {
  if (agentDomain === requestDomain) return 1.0;
  if (agentDomain === GENERAL_DOMAIN || requestDomain === GENERAL_DOMAIN) return 0.7;
  return 0.4;
}

/** Share of the agent's capabilities named verbatim, as whole words, in the request. */
function capabilityScore(indexed: IndexedAgent, request: RequestView): number {
  const capabilities = indexed.capabilitiesLower;
  if (capabilities.length === 0) return NO_CAPABILITIES_SCORE;
  const named = capabilities.filter((capability) => request.whitespaceWords.has(capability)).length;
  return named / capabilities.length;
}

function explain(agentName: string, score: ScoreBreakdown): string {
  const parts: string[] = [];
  if (score.trigger > 0.8) parts.push('Strong trigger match');
  else if (score.trigger > 0.6) parts.push('Good trigger match');
  else parts.push('Moderate trigger match');
  if (score.context > 0.8) parts.push('perfect context alignment');
  else if (score.context > 0.6) parts.push('good context fit');
  if (score.capability > 0.6) parts.push('relevant capabilities');
  if (score.historical > 0.7) parts.push('proven track record');
  return `${agentName}: ${parts.join(', ')}`;
}

function candidateFor(indexed: IndexedAgent, request: RequestView, input: StrategyInput): Candidate | undefined {
  const evidence = triggerEvidence(indexed, request);
  if (!evidence) return undefined;
  const { agent } = indexed;
  const trigger = evidence.score;
  const context = contextScore(agent.domain, input.context.domain ?? GENERAL_DOMAIN);
  const capability = capabilityScore(indexed, request);
  const historical = input.historical(agent.name) ?? UNKNOWN_HISTORY;
  // Summed in the reference's order so that totals are bit-identical to Python's.
  const total =
    trigger * WEIGHT.trigger + context * WEIGHT.context + capability * WEIGHT.capability + historical * WEIGHT.historical;
  const score: ScoreBreakdown = { total, trigger, context, capability, historical };
  return { agent, score, reason: evidence.reason, explanation: explain(agent.name, score) };
}

function prepare(registry: Registry): PreparedStrategy {
  const agents = registry.agents.map(indexAgent);
  return {
    rank(input) {
      const request = viewRequest(input.plainText);
      const candidates = agents.flatMap((indexed) => candidateFor(indexed, request, input) ?? []);
      // Array.prototype.sort is stable: equal totals keep registry order.
      return candidates.sort((a, b) => b.score.total - a.score.total);
    },
  };
}

export const enhancedFuzzyMatching: ScoringStrategy = {
  name: 'enhanced_fuzzy_matching',
  description:
    "The reference router's algorithm: exact, fuzzy (difflib ratio) and keyword/capability overlap trigger " +
    'matching, total = 0.4·trigger + 0.3·context + 0.2·capability + 0.1·historical.',
  prepare,
};
