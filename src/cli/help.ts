const REGISTRY = `  -r, --registry P       agent registry: a directory (searched recursively) or a file; repeatable.
                         Default: $SWITCHBOARD_REGISTRY (':'-separated), else ./.claude/agents`;

const DB = `      --db URL            postgres://… (default: $DATABASE_URL), or a SQLite file; without either, the
                          embedded SQLite store $SWITCHBOARD_DATA_DIR/decisions.db (default ./.switchboard)`;

export const HELP = {
  main: `switchboard: route a request to the best specialised AI agent

usage: switchboard <command> [options]

commands:
  route <request…>          rank the agents for one request and pick one
  registry validate|list P… check registry files (exit 1 on errors) or list their agents
  eval --set FILE           measure routing accuracy on a labelled JSONL set or the golden corpus
  bench                     measure per-decision latency and throughput; writes docs/benchmarks.md
  serve                     run the routing service: HTTP, and Kafka (or the in-process bus)
  request <request…>        ask the routing service over Kafka, falling back to the local router
  hook claude               Claude Code UserPromptSubmit hook: adds the ranked agents as context
  db migrate|status         apply or list the decision history's schema migrations
  trace <correlation_id>    one request's decisions, outcomes and comparisons, in time order
  stats [--since 24h]       decision, latency, agent and path statistics from the history
  feedback <correlation_id> record the outcome of a routed request (--success|--failure)
  experiments report        compare A/B experiment variants from the history (also: validate)
  replay --from kafka|db    re-run recorded requests through a strategy or registry: what changed
  reload                    make a running service load its registry files again now

Run 'switchboard <command> --help' for its options; 'switchboard --version' prints the version.
`,
  route: `usage: switchboard route <request…> [options]

${REGISTRY}
  -s, --strategy S        hybrid (default with the embedding model), lexical (default without it),
                          semantic, enhanced_fuzzy_matching, or quorum (the four vote; the reason
                          and explanation say how many agree, and 'contested' when under half)
      --max N             at most N recommendations, 1..10 (default 5)
      --min-confidence X  confidence needed to select an agent, 0..1 (default 0.5)
  -c, --context k=v       request context (domain, previous_agent, current_file, …); repeatable
      --model M           embedding model: all-minilm-l6-v2-q (default), bge-small-en-v15-q, e5-small-v2-q
      --json              print the completed payload (SPEC §3) as JSON
      --db URL            record the decision in this store (default: $DATABASE_URL; neither: not
                          recorded); the correlation id is printed on stderr

exit codes: 0 decided (an agent or an explicit no-match), 1 registry unusable, 2 bad request or usage
`,
  registry: `usage: switchboard registry validate|list <path…> [--json]

  validate   print every problem as 'file:line: message'; exit 1 when any is an error
  list       print the agents with their source format, whether routing reaches them (auto) or
             only an explicit request does (explicit), and their definition file
  --json     machine-readable output
`,
  eval: `usage: switchboard eval --set FILE [options]

${REGISTRY}
      --set FILE          JSONL rows {"request", "expected": [names], "kind"} ([] = no agent fits),
                          or the golden corpus JSON
  -s, --strategy S        strategy to evaluate (default: hybrid with the embedding model, else lexical)
      --learn-from FILE   first record every row of this labelled set as a successful outcome
      --learn-per-agent K at most K learned rows per agent
      --model M           embedding model (see route --help)
      --json              print {"n","top1","top3","no_match":{"precision","recall"},"by_kind","misses"}
`,
  bench: `usage: switchboard bench [options]
       switchboard bench history [--db URL] [--count N] [--json] [--no-write]
       switchboard bench e2e --kafka BROKERS|--http [--rate R] [--duration S] [--strategy S] [-r P]…
                             [--no-history|--db URL] [--shadow-strategy S [--shadow-share X]] [--json] [--no-write]

  history                 decision history writes/s through the background writer (batches of 500) into
                          --db (default: a scratch SQLite file), then the spool's replay rate after a
                          simulated outage of as many decisions (default N 50,000)
  e2e                     round trips over Kafka (or HTTP) to a \`serve\` process it starts: a paced run
                          at R requests/s (default 200) for S seconds (default 10), then 64 in flight;
                          p50/p95/p99 and answered/s, and the service's peak RSS (Linux). --no-history,
                          --db and --shadow-* are the service's settings (see serve --help), to compare
                          their cost

  -r, --registry P       agent registry: a directory (searched recursively) or a file; repeatable.
                         Default: the bundled fixtures (omniclaude, voltagent, wshobson, clinc150)
  -s, --strategy S        strategy to measure (default: lexical); embedding strategies (hybrid,
                          semantic, quorum) load the model and skip the synthetic registries
                          unless --synthetic
      --json              print {"registries": [{"name","agents","load_ms","miss_p50_us","miss_p99_us","hit_p50_us","decisions_per_s"}]}
      --model M           embedding model for hybrid/semantic (see route --help)
      --synthetic         with an embedding strategy, also the 1,000- and 10,000-agent synthetic
                          registries (the first run embeds ~100,000 texts: minutes; cached after)
      --no-write          do not rewrite docs/benchmarks.md
`,
  serve: `usage: switchboard serve [options]

${REGISTRY}
      --kafka BROKERS     Kafka bootstrap brokers, host:port[,…] (default: $KAFKA_BROKERS); without
                          them the service runs on the in-process bus and answers over HTTP only
      --http-host H       HTTP address (default 127.0.0.1)
      --http-port N       HTTP port (default 8787; 0 picks a free one)
      --group ID          consumer group of the request topic (default switchboard-router)
      --topic-prefix P    topics are P.requested.v1, P.completed.v1, … (default agent.routing)
  -s, --strategy S        default strategy (default: hybrid with the embedding model, else lexical)
      --model M           embedding model (see route --help)
${DB}
      --no-history        record nothing (no store, no outcomes, no historical scores)
      --experiments FILE  A/B experiments (default: $SWITCHBOARD_EXPERIMENTS): requests that name no
                          strategy are routed with their variant's, recorded on the decision; a
                          treatment variant's requests are decided again with the control's options
                          after answering, as a comparison (the report's agreement)
      --shadow-strategy S route requests again with S after answering, and record the comparison
                          (see stats and trace); never changes or delays the answer
      --shadow-share X    the share of requests shadowed, sticky per correlation id (default 1)
      --admin-token T     the bearer token POST /reload requires (default: $SWITCHBOARD_ADMIN_TOKEN,
                          which keeps it out of the process list); without one, POST /reload is off (403)

endpoints: GET /health, GET /metrics (Prometheus), POST /route (SPEC §2 input → completed payload;
           an x-correlation-id UUID header names the decision, and is answered either way),
           POST /feedback {"correlation_id","success","quality_score"?,"note"?,"source"?},
           POST /reload (authorization: Bearer T; see reload --help)
hot reload: the registry paths are watched; a change is loaded, indexed and swapped in at once
            (requests in flight finish on the old registry). An error in any file rejects the whole
            change: the last good registry keeps serving, and /health "reload" shows the file:line
            errors until the files are fixed
history: every decision is written to the store in the background (spooled to the data folder
         while the database is away); outcomes become each agent's historical_score (refreshed
         every 30 s) and successful requests become learned examples
logs: JSON lines on stderr (level from $SWITCHBOARD_LOG_LEVEL, default info)
SIGTERM/SIGINT: stop consuming, finish the requests in flight, close, exit 0
`,
  request: `usage: switchboard request <request…> [options]

${REGISTRY}
                         (opened only when the local router answers)
      --kafka BROKERS     ask the routing service over Kafka, host:port[,…] (default: $KAFKA_BROKERS);
                          without them the local router answers
      --timeout MS        how long the service may take before the local router answers (default 2000)
      --topic-prefix P    the service's topic prefix (see serve --help; default agent.routing)
      --json              print {"routing_path","correlation_id","local_reason"?,"elapsed_ms","result"}
      --db URL            record a local answer in this store (default: $DATABASE_URL); without either,
                          over Kafka, it is published on the decision topic for the service to record

routing_path: event (the service answered), local (not asked), hybrid (asked, then answered locally)
exit codes: as route
`,
  hook: `usage: switchboard hook claude [options]   (reads Claude Code's UserPromptSubmit JSON on stdin)

  -r, --registry P       agent registry; repeatable. Default: $SWITCHBOARD_REGISTRY, else the
                         project's .claude/agents (the hook input's cwd)
      --service URL       the routing service over HTTP (default: $SWITCHBOARD_URL); without it,
                          or when it fails, the local router answers (lexical strategy)
      --timeout MS        how long the service may take (default: $SWITCHBOARD_HOOK_TIMEOUT_MS, else 300)
      --db URL            record a local answer (routing_path local/hybrid) in this store (default:
                          $DATABASE_URL); without either, nothing is recorded

prints {"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": …}} with
the ranked agents, or nothing when none fits; always exits 0, so that it never blocks a prompt
`,
  db: `usage: switchboard db migrate|status [--db URL] [--json]

  migrate   apply the pending schema migrations, in order (safe to run concurrently)
  status    print the applied and pending migrations; exit 1 while any is pending
${DB}
      --json              print {"backend","location","version","latest_version","applied","pending"}
`,
  trace: `usage: switchboard trace <correlation_id> [--db URL] [--json]

${DB}
      --json              print {"correlation_id","request","decisions":[],"outcomes":[],"comparisons":[]}

exit codes: 0 found, 1 unknown correlation id or store unavailable, 2 usage
`,
  feedback: `usage: switchboard feedback <correlation_id> --success|--failure [options]

      --score X           quality of the agent's work, 0..1
      --note TEXT         at most 2,000 characters
      --source S          who judged (default cli)
${DB}
      --json              print {"recorded": true, "correlation_id"}

exit codes: 0 recorded, 1 unknown correlation id or store unavailable, 2 bad outcome or usage
`,
  experiments: `usage: switchboard experiments validate|report [options]

  validate                check the experiments file: 'file:line: field: message' rows, exit 1 on errors
  report                  per experiment and variant, over the decisions recorded since --since:
                          decisions, no-match rate, mean confidence, latency p50/p95/p99, agreement
                          with the control (the service decides each treatment request again with
                          the control's options), outcomes, success rate, and a two-proportion
                          z-test of success against the control
      --experiments FILE  the experiments YAML (default: $SWITCHBOARD_EXPERIMENTS); docs/experiments.md
      --since T           a duration back from now (90s, 30m, 24h, 7d) or an ISO time (default 24h)
${DB}
      --json              report: print {"since","experiments":[{"experiment","control","variants":[{"variant","share",
                          "decisions","no_match_rate","mean_confidence","latency_ms":{"p50","p95","p99"},"agreement",
                          "compared","outcomes","success_rate","vs_control":{"difference","z","p_value"}|null}]}]}
`,
  reload: `usage: switchboard reload [--service URL] [--token T]

asks a running service (POST /reload) to load its registry files again now, as a file change does

      --service URL       the service (default: $SWITCHBOARD_URL, else http://127.0.0.1:8787)
      --token T           its admin token (default: $SWITCHBOARD_ADMIN_TOKEN)

prints 'reloaded: registry <version>, N agents' ('unchanged' when the content is the same)
exit codes: 0 the service serves the files, 1 it rejected them (each file:line error on stderr, the
            last good registry keeps serving), refused the token, or could not be reached; 2 usage
`,
  replay: `usage: switchboard replay --from kafka --since T|--offsets P:O,… [options]
       switchboard replay --from db --since T [options]

re-runs recorded requests through a strategy and registry, and lists the decisions that changed

      --from kafka        the request topic, each request with the reply it got on the completed or
                          failed topic (matched by correlation id), up to the topics' ends at start
      --from db           the decision history: each request with its first decision since T, up to now
      --since T           a duration back from now (90s, 30m, 24h, 7d) or an ISO time
      --offsets P:O,…     kafka: read these partitions of the request topic from these offsets instead
      --kafka BROKERS     Kafka bootstrap brokers, host:port[,…] (default: $KAFKA_BROKERS)
      --topic-prefix P    the service's topic prefix (see serve --help; default agent.routing)
${REGISTRY}
  -s, --strategy S        replay every request with S (default: the strategy each one was decided with)
      --model M           embedding model (see route --help)
      --record            write each comparison to the history (path_a original, path_b replay:S): stats
                          counts them and trace shows them
${DB}
      --json              print {"strategy","replayed","changed","skipped","by_agent":[{"from","to","n"}],
                          "changes":[{"correlation_id","request","strategy","original","replayed"}]}, each
                          decision {"agent","confidence","error_code","time_ms"}

changed: the selected agent differs (null: none, for a no-match or a failure); a progress bar shows on
stderr when it is a terminal
`,
  stats: `usage: switchboard stats [--since 24h] [--db URL] [--json]

      --since T           a duration back from now (90s, 30m, 24h, 7d) or an ISO time (default 24h)
${DB}
      --json              print {"since","decisions","no_match_rate","cache_hit_rate","latency_ms":{"p50","p95","p99"},
                          "by_agent":[…],"by_path":{…},"comparisons":{"n","match_rate","by_path_b":{…}}}
`,
};
