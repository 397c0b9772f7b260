/**
 * A request that sequences two needs ("write the service, and then containerize it") asks
 * first for the first one: the follow-up is work the chosen agent hands on. Sequencing words
 * after a comma, a semicolon or "and" mark where the follow-up starts; after a conditional
 * clause ("if the build fails, then page me") they mark its consequence instead, which is the
 * need.
 */
const FOLLOW_UP = /(?:[,;]\s*(?:and\s+)?|\band\s+)(?:then|afterwards|afterward|after that)\b/giu;
const CONDITIONAL_CLAUSE = /^\s*(?:if|when|whenever|unless|once)\b/iu;

/** Where the follow-up need of `text` starts, or -1 when it states one need. */
export function followUpStart(text: string): number {
  for (const marker of text.matchAll(FOLLOW_UP)) {
    const before = text.slice(0, marker.index);
    const clause = before.slice(Math.max(before.lastIndexOf(','), before.lastIndexOf(';')) + 1);
    if (before.trim() !== '' && !CONDITIONAL_CLAUSE.test(clause)) return marker.index;
  }
  return -1;
}
