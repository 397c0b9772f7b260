import {
  DEFAULT_MAX_RECOMMENDATIONS,
  DEFAULT_MIN_CONFIDENCE,
  MAX_REQUEST_CHARS,
  requestLength,
  type RoutingContext,
  type RoutingRequest,
} from '../contracts/routing.ts';
import { SwitchboardError } from '../errors.ts';
import { readGoLanguage } from './text/tokens.ts';

/** A request after validation, with defaults filled in and its text normalised. */
export interface NormalisedRequest {
  /**
   * NFC, lowercased, whitespace collapsed and trimmed, the language Go written "golang"
   * (lowercasing would make it the verb): what the router matches agents with.
   */
  readonly text: string;
  /** The same without "golang" for "Go": the reference algorithm's and explicit requests' reading. */
  readonly plainText: string;
  readonly context: RoutingContext;
  readonly maxRecommendations: number;
  readonly minConfidence: number;
  /** Undefined selects the router's default strategy. */
  readonly strategy: string | undefined;
}

/**
 * Control characters other than tab, LF and CR (C0, DEL, C1), and U+FFFD, what a decoder
 * leaves of bytes that are not UTF-8.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\ufffd]/g;
/**
 * Terminal escape sequences (colours, erase-line, cursor and charset codes), as pasted
 * terminal output holds them: a CSI (ESC [ or its 8-bit form), an OSC closed by BEL or ESC \,
 * or ESC with ECMA-48 intermediate and final bytes ("ESC ( B", "ESC 7"). Removed outright, since
 * a colour code can sit inside a word ("re<red>build", "@<bold>agent-db").
 */
const ANSI_ESCAPE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[ -/]*[0-~]/g;
/**
 * Binary content, not text: a NUL, or at least BINARY_MIN_CONTROLS control characters making
 * up more than BINARY_CONTROL_SHARE of it once terminal escapes are removed. A stray one in
 * text (a bell after a short command) is read as a space.
 */
const BINARY_CONTROL_SHARE = 0.3;
const BINARY_MIN_CONTROLS = 4;

function isBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const controls = text.match(CONTROL)?.length ?? 0;
  return controls >= BINARY_MIN_CONTROLS && controls > BINARY_CONTROL_SHARE * text.length;
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError('INVALID_REQUEST', message);
}

function normaliseText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function checkText(value: unknown): { text: string; plainText: string } {
  if (typeof value !== 'string') throw invalid('user_request must be a string');
  // Code points are never more than UTF-16 units: only a long text needs counting.
  const length = value.length > MAX_REQUEST_CHARS ? requestLength(value) : value.length;
  if (length > MAX_REQUEST_CHARS) throw invalid(`user_request is ${length} characters; the limit is ${MAX_REQUEST_CHARS}`);
  const withoutEscapes = value.replace(ANSI_ESCAPE, '');
  if (isBinary(withoutEscapes)) throw invalid('user_request looks binary (a NUL or mostly control characters), not text');
  const composed = withoutEscapes.replace(CONTROL, ' ').normalize('NFC');
  const plainText = normaliseText(composed);
  if (plainText.length === 0) throw invalid('user_request is empty or whitespace only');
  const withLanguage = readGoLanguage(composed);
  return { text: withLanguage === composed ? plainText : normaliseText(withLanguage), plainText };
}

function checkContext(value: unknown): RoutingContext {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('context must be an object');
  const context: RoutingContext = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined || entry === null) continue;
    if (typeof entry !== 'string') throw invalid(`context.${key} must be a string`);
    context[key] = entry;
  }
  return context;
}

function checkNumber(value: unknown, field: string, min: number, max: number, integer: boolean): number {
  if (typeof value !== 'number' || Number.isNaN(value) || (integer && !Number.isInteger(value))) {
    throw invalid(`options.${field} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
  }
  if (value < min || value > max) throw invalid(`options.${field} must be in ${min}..${max}, got ${value}`);
  return value;
}

/** Validates a routing request from any edge (API, CLI, HTTP, events); throws INVALID_REQUEST. */
export function normaliseRequest(request: RoutingRequest): NormalisedRequest {
  if (typeof request !== 'object' || request === null) throw invalid('request must be an object');
  const options = request.options ?? {};
  if (typeof options !== 'object') throw invalid('options must be an object');
  const strategy = options.routing_strategy;
  if (strategy !== undefined && typeof strategy !== 'string') throw invalid('options.routing_strategy must be a string');
  return {
    ...checkText(request.user_request),
    context: checkContext(request.context),
    maxRecommendations:
      options.max_recommendations === undefined
        ? DEFAULT_MAX_RECOMMENDATIONS
        : checkNumber(options.max_recommendations, 'max_recommendations', 1, 10, true),
    minConfidence:
      options.min_confidence === undefined
        ? DEFAULT_MIN_CONFIDENCE
        : checkNumber(options.min_confidence, 'min_confidence', 0, 1, false),
    strategy,
  };
}

/**
 * The cache key of SPEC §2: normalised request + context + options + registry version.
 * JSON-encoded, so no value can forge a separator and collide with another request.
 */
export function cacheKey(request: NormalisedRequest, strategy: string, registryVersion: string, historyVersion: string): string {
  const context = Object.keys(request.context)
    .sort()
    .map((key) => [key, request.context[key]]);
  return JSON.stringify([
    registryVersion,
    historyVersion,
    strategy,
    request.maxRecommendations,
    request.minConfidence,
    context,
    request.text,
    // Two texts can read alike to the router and differ to the reference algorithm.
    request.plainText === request.text ? null : request.plainText,
  ]);
}
