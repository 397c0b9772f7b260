import { z } from 'zod';

/**
 * Field schemas shared by the readers. Messages are written for `file:line: field: message`,
 * so they say what was expected, not how zod names types.
 */

export const Text = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'expected a string') });

/** Optional text; an empty YAML value (`title:`) counts as absent. */
export const OptionalText = Text.nullish();

/** Names are how users address agents (`@name`, `use name`): one word, no spaces. */
export const AgentName = Text.regex(/^\S+$/, { error: 'expected a name without spaces' });

export const OptionalStringList = z.array(z.string({ error: 'expected a string' }), { error: 'expected a list of strings' }).nullish();

/**
 * true or false; also as text, as frontmatter that strict YAML rejects is read line by line
 * into strings.
 */
export const OptionalFlag = z
  .union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')], { error: 'expected true or false' })
  .nullish();
