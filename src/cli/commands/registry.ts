import { SwitchboardError } from '../../errors.ts';
import { formatIssue, loadRegistry } from '../../registry/load.ts';
import { table } from '../format.ts';
import { parseCommand } from '../options.ts';

async function validate(paths: string[], json: boolean): Promise<number> {
  const registry = await loadRegistry(paths);
  const errors = registry.issues.filter((issue) => issue.severity === 'error');
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ valid: errors.length === 0, agents: registry.agents.length, registry_version: registry.version, issues: registry.issues })}\n`,
    );
  } else {
    for (const issue of registry.issues) process.stdout.write(`${issue.severity}: ${formatIssue(issue)}\n`);
    process.stdout.write(
      `${errors.length === 0 ? 'valid' : 'invalid'}: ${registry.agents.length} agents, ${errors.length} errors, ` +
        `${registry.issues.length - errors.length} warnings, version ${registry.version}\n`,
    );
  }
  return errors.length === 0 ? 0 : 1;
}

async function list(paths: string[], json: boolean): Promise<number> {
  const registry = await loadRegistry(paths);
  if (json) {
    process.stdout.write(`${JSON.stringify(registry.agents)}\n`);
  } else {
    const rows = registry.agents.map((agent) => [
      agent.name,
      agent.sourceFormat,
      agent.explicitOnly ? 'explicit' : 'auto',
      agent.title,
      agent.definitionPath,
    ]);
    process.stdout.write(`${table(['name', 'format', 'routed', 'title', 'definition'], rows)}\n`);
    const explicitOnly = registry.agents.filter((agent) => agent.explicitOnly).length;
    const only = explicitOnly === 0 ? '' : ` (${explicitOnly} reached by explicit request only)`;
    process.stdout.write(`${registry.agents.length} agents${only}, version ${registry.version}\n`);
  }
  return registry.issues.some((issue) => issue.severity === 'error') ? 1 : 0;
}

export async function runRegistry(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } });
  const [action, ...paths] = positionals;
  if ((action !== 'validate' && action !== 'list') || paths.length === 0) {
    throw new SwitchboardError('USAGE', 'usage: switchboard registry validate|list <path…>');
  }
  return action === 'validate' ? validate(paths, values.json ?? false) : list(paths, values.json ?? false);
}
