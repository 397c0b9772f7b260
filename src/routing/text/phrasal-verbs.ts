/**
 * Phrasal verbs read as the verbs agent definitions write: a request asks to "pull up past
 * cases" (retrieve) or "pull together what they need" (gather), where the word "pull" alone
 * would read as a pull request. General English, keyed by verb and particle.
 */
const MEANINGS: Readonly<Record<string, readonly string[]>> = {
  'figure out': ['investigate', 'determine', 'diagnose'],
  'find out': ['investigate', 'determine', 'diagnose'],
  'work out': ['investigate', 'determine'],
  'look into': ['investigate', 'analyze'],
  'dig into': ['investigate', 'analyze'],
  'pull up': ['retrieve', 'search'],
  'look up': ['retrieve', 'search', 'lookup'],
  'dig up': ['retrieve', 'search'],
  'pull together': ['gather', 'collect'],
  'go through': ['review', 'examine'],
  'look through': ['review', 'examine'],
  'look over': ['review', 'examine'],
  'write up': ['write', 'document', 'report'],
  'break down': ['analyze', 'breakdown'],
  'track down': ['find', 'identify', 'locate'],
  'hunt down': ['find', 'identify', 'locate'],
  'spin up': ['provision', 'create'],
  'roll back': ['rollback', 'revert'],
};

/** verb → particle → the verbs meant: looked up per request word, so no key is built per word. */
export const PHRASAL_VERBS: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = (() => {
  const byVerb = new Map<string, Map<string, readonly string[]>>();
  for (const [phrase, meanings] of Object.entries(MEANINGS)) {
    const [verb, particle] = phrase.split(' ');
    if (!byVerb.has(verb)) byVerb.set(verb, new Map());
    byVerb.get(verb)!.set(particle, meanings);
  }
  return byVerb;
})();
