import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { formatIssue, loadRegistry } from '../../src/registry/load.ts';
import { errors, FIXTURES, put, tempDir } from './helpers.ts';

const INDEX = path.join(FIXTURES, 'omniclaude-agents/agent-registry.yaml');

test('the central index alone gives its 21 agents named by key, plus the ONEX agent agent-registry', async () => {
  const registry = await loadRegistry([INDEX]);
  assert.deepEqual(errors(registry), []);
  assert.equal(registry.agents.length, 22);
  assert.equal(registry.agents[0].name, 'agent-registry');
  assert.equal(registry.agents[0].sourceFormat, 'onex');
  const index = registry.agents.slice(1);
  assert.ok(index.every((agent) => agent.sourceFormat === 'central_index' && agent.aliases.length === 0));
  assert.deepEqual(index.slice(0, 3).map((agent) => agent.name), ['api-architect', 'debug-intelligence', 'frontend-developer']);
  const api = registry.byName.get('api-architect');
  assert.ok(api);
  assert.equal(api.title, 'API Architect Specialist');
  assert.deepEqual(api.triggers, ['api design', 'openapi', 'rest api', 'fastapi', 'microservices', 'endpoint']);
  assert.deepEqual(api.capabilities, ['api_design', 'openapi_specs', 'fastapi_optimization', 'microservices', 'http_services']);
  assert.equal(api.domain, 'api_development');
  assert.equal(api.definitionPath, '${CLAUDE_PLUGIN_ROOT}/onex/agents/configs/api-architect.yaml');
});

test('an index entry without a full definition stays an agent of its own', async (t) => {
  const dir = await tempDir(t);
  await put(dir, 'index.yaml', 'agents:\n  commit:\n    name: agent-commit\n    activation_triggers: [commit]\n  lint:\n    activation_triggers: [lint]\n');
  await put(dir, 'commit.yaml', 'agent_identity:\n  name: agent-commit\n  description: Commits\n');
  const registry = await loadRegistry([dir]);
  assert.deepEqual(registry.agents.map((agent) => [agent.name, agent.aliases]), [['agent-commit', ['commit']], ['lint', []]]);
});

test('index entries are validated like any agent: errors at the field, the file skipped', async (t) => {
  const dir = await tempDir(t);
  const file = await put(
    dir,
    'agent-registry.yaml',
    'agents:\n  api-architect:\n    title: API\n    activation_triggers: api design\n  debug:\n    capabilities: [debugging, 3]\n',
  );
  const registry = await loadRegistry([file]);
  assert.equal(registry.agents.length, 0);
  assert.deepEqual(registry.issues.map(formatIssue), [
    `${file}:4: agents.api-architect.activation_triggers: expected a list of strings`,
    `${file}:6: agents.debug.capabilities[1]: expected a string`,
  ]);
});
