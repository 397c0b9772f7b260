/**
 * A request that sequences two needs ("write the service, and then containerize it") asks
 * first for the first one: the follow-up is work the chosen agent hands on. Sequencing words
 * after a comma, a semicolon or "and" mark where the follow-up starts; after a conditional
 * ("if the build fails, then page me") they mark its consequence instead, which is the need.
 */
const FOLLOW_UP = /(?:[,;]\s*(?:and\s+)?|\band\s+)(?:then|afterwards|afterward|after that)\b/iu;
const CONDITIONAL = /\b(?:if|when|whenever|unless|once)\b/iu;

/** Where the follow-up need of `text` starts, or -1 when it states one need. */
export function followUpStart(text: string): number {
  const marker = FOLLOW_UP.exec(text);
  if (marker === null) return -1;
  const first = text.slice(0, marker.index);
  if (first.trim() === '' || CONDITIONAL.test(first)) return -1;
  return marker.index;
}
