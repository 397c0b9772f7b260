import { stemmer } from 'stemmer';

/**
 * Words that carry no routing signal: English function words plus the filler of requests
 * ("please help me…") and of agent descriptions ("use this agent when…"), and what tokens
 * leave of contractions ("we're" is "we" and "re"). A negation ("don" of "don't") stays a
 * word: in examples it tells intents apart ("I don't want this card").
 */
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can cannot could did do does doing done down during each either else etc ever every
  few for from further get gets getting go going got had has have having he her here hers herself him
  himself his how i if in into is it its itself just let lets like me might mine more most much must my
  myself need needs no nor not now of off on once one only or other ought our ours ourselves out over own
  please pls same shall she should so some such than that the their theirs them themselves then there
  these they this those through thx to too under until up upon us use used using very via want wants was
  we were what when where whether which while who whom whose why will with within without would yet you
  your yours yourself yourselves re ve ll thanks hey hi hello ok okay
  really actually just maybe kind sort thing things stuff something anything everything someone
  proactively agent agents specialist expert tasks task help helps`
    .split(/\s+/)
    .filter(Boolean),
);

/** snake_case capabilities and domains read as words. */
export const asProse = (text: string) => text.replaceAll('_', ' ');

/**
 * Words written with symbols, which plain word tokens lose: the languages "C++" and "C#"
 * become the one-letter word "c", ".NET" the word "net", "tl;dr" the words "tl" and "dr";
 * and "Go" is a stop word. Each is read as one word of its own, on both sides. ".NET" only
 * where a word starts with it (or as ASP.NET), not in a host name ("shop.example.net"). "Go"
 * is the language only where case tells it apart from the verb: capitalised, inside a
 * sentence (after a word, a number or one of `, ; / ( & +`, not where a sentence, line, list
 * item or quotation starts), and not in a hyphenated compound ("Go-live", "Go-to-market").
 */
const SYMBOL_WORDS: ReadonlyMap<string, string> = new Map([
  ['c++', 'cpp'],
  ['c#', 'csharp'],
  ['f#', 'fsharp'],
  ['.net', 'dotnet'],
  ['tl;dr', 'tldr'],
]);
const GO_LANGUAGE = /(?<=[\p{L}\p{N},;/(&+][ \t\u00a0]*)(?<![\p{L}\p{N}])Go(?![\p{L}\p{N}-])/gu;

/** Text with the language named Go written "golang"; call before the text is lowercased. */
export function readGoLanguage(text: string): string {
  return text.includes('Go') ? text.replace(GO_LANGUAGE, 'golang') : text;
}

const WORD = /c\+\+|[cf]#|(?<![\p{L}\p{N}])tl;dr(?![\p{L}\p{N}])|(?:(?<![\p{L}\p{N}])|(?<=(?<![\p{L}\p{N}])asp))\.net(?![\p{L}\p{N}])|[\p{L}\p{N}]+/gu;
const stems = new Map<string, string>();

/** Lowercase word tokens, stop words kept; a word written with symbols is one word ("c++" is "cpp", "tl;dr" "tldr"). */
export function words(text: string): string[] {
  const found = readGoLanguage(text).toLowerCase().match(WORD);
  if (found === null) return [];
  for (let i = 0; i < found.length; i++) found[i] = SYMBOL_WORDS.get(found[i]) ?? found[i];
  return found;
}

/**
 * Shorthand engineers write for one word, read as that word on both sides (requests and
 * agent definitions): "k8s" is "kubernetes", "db" is "database". General software
 * vocabulary only. Left as written: shorthand for two words ("pr", "ci"), with a second
 * meaning ("tf": Terraform or TensorFlow), for a stop word ("golang"), and shorthand whose
 * word stems onto an unrelated one ("authz" → "author", "l10n" → "local", "a11y" → "access").
 */
const SHORTHAND: ReadonlyMap<string, string> = new Map(
  Object.entries({
    k8s: 'kubernetes',
    kube: 'kubernetes',
    js: 'javascript',
    ts: 'typescript',
    py: 'python',
    db: 'database',
    dbs: 'databases',
    postgres: 'postgresql',
    pg: 'postgresql',
    mongo: 'mongodb',
    app: 'application',
    apps: 'applications',
    repo: 'repository',
    repos: 'repositories',
    config: 'configuration',
    configs: 'configurations',
    auth: 'authentication',
    authn: 'authentication',
    perf: 'performance',
    prod: 'production',
    deps: 'dependencies',
    dep: 'dependency',
    env: 'environment',
    envs: 'environments',
    infra: 'infrastructure',
    i18n: 'internationalization',
    o11y: 'observability',
    impl: 'implementation',
    msg: 'message',
    msgs: 'messages',
    vuln: 'vulnerability',
    vulns: 'vulnerabilities',
    tldr: 'summarize',
  }),
);

/**
 * Words Porter's stemmer conflates with an unrelated word that agent definitions use too,
 * given their own stem: "production" (the environment) is not "product", "productivity" is
 * neither, "general" and "generic" are not "generate", "experience" is not "experiment",
 * "community" is not "communication", "news" is not "new".
 */
const OWN_STEMS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    production: 'production',
    productions: 'production',
    productive: 'productiv',
    productively: 'productiv',
    productivity: 'productiv',
    general: 'general',
    generally: 'general',
    generalize: 'general',
    generalized: 'general',
    generalization: 'general',
    generic: 'generic',
    generics: 'generic',
    experience: 'experienc',
    experiences: 'experienc',
    experienced: 'experienc',
    community: 'communiti',
    communities: 'communiti',
    news: 'news',
  }),
);

/** A lowercase word with shorthand read in full ("k8s" → "kubernetes"). */
export function fullWord(word: string): string {
  return SHORTHAND.get(word) ?? word;
}

/** Porter stem of one lowercase word (shorthand read in full), memoised: the same few thousand words recur. */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    const full = fullWord(word);
    stemmed = OWN_STEMS.get(full) ?? (/^\p{L}+$/u.test(full) ? stemmer(full) : full);
    if (stems.size < 100_000) stems.set(word, stemmed);
  }
  return stemmed;
}

/** The term a lowercase word token counts as: its stem, or undefined for stop words and 1-letter words. */
export function termOf(word: string): string | undefined {
  return word.length < 2 || STOP_WORDS.has(word) ? undefined : stem(word);
}

/** Content words of a text as stems, in order (stop words and 1-letter words dropped). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const term = termOf(word);
    if (term !== undefined) out.push(term);
  }
  return out;
}
