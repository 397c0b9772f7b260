/**
 * Well-known products and tools, by the kind of thing they are: a request names the tool
 * ("stripe checkout integration"), an agent's definition the kind ("payment gateways"). A
 * request word found here also counts, at a reduced weight, as its kind's words. General
 * software vocabulary, one entry per product, grouped by kind; the names are written as
 * word tokens read them (lowercase, letters and digits), and names that are also common
 * English words in other senses ("linear", "express", "spark", "jest") are left out.
 */
const KINDS: Readonly<Record<string, readonly string[]>> = {
  'payment': ['stripe', 'paypal', 'braintree', 'adyen', 'klarna', 'razorpay', 'paddle', 'chargebee', 'plaid'],
  'database': [
    'postgresql', 'mysql', 'mariadb', 'sqlite', 'mongodb', 'cassandra', 'dynamodb', 'cockroachdb', 'couchdb',
    'neo4j', 'mssql', 'firestore', 'supabase', 'planetscale', 'scylladb', 'timescaledb', 'influxdb',
  ],
  'cache': ['redis', 'memcached', 'valkey'],
  'search': ['elasticsearch', 'opensearch', 'solr', 'algolia', 'meilisearch', 'typesense'],
  'data warehouse': ['bigquery', 'snowflake', 'redshift', 'databricks', 'clickhouse'],
  'data pipeline': ['airflow', 'dagster', 'dbt', 'fivetran', 'airbyte', 'flink', 'debezium'],
  'message queue': ['kafka', 'rabbitmq', 'nats', 'sqs', 'sns', 'kinesis', 'pulsar', 'activemq', 'zeromq', 'mqtt'],
  'container': ['docker', 'podman', 'containerd'],
  'kubernetes': ['helm', 'kubectl', 'istio', 'argocd', 'kustomize', 'openshift', 'eks', 'gke', 'aks'],
  'infrastructure': ['terraform', 'pulumi', 'ansible', 'cloudformation', 'terragrunt'],
  'cloud': ['aws', 'gcp', 'azure', 'ec2', 's3', 'cloudflare', 'vercel', 'netlify', 'heroku', 'digitalocean'],
  'ci pipeline': ['jenkins', 'circleci', 'travis', 'buildkite', 'teamcity'],
  'monitoring': ['prometheus', 'grafana', 'datadog', 'newrelic', 'splunk', 'kibana', 'jaeger', 'opentelemetry', 'nagios', 'zabbix'],
  'error tracking': ['sentry', 'rollbar', 'bugsnag'],
  'incident': ['pagerduty', 'opsgenie'],
  'frontend': ['vue', 'angular', 'svelte', 'nextjs', 'nuxt', 'solidjs', 'redux', 'tailwind', 'webpack', 'vite'],
  'mobile': ['swiftui', 'flutter', 'xamarin', 'ios', 'android'],
  'backend api': ['django', 'flask', 'fastapi', 'rails', 'laravel', 'nestjs', 'fastify', 'springboot'],
  'testing': ['pytest', 'junit', 'mocha', 'vitest', 'cypress', 'playwright', 'selenium', 'testng', 'rspec', 'puppeteer'],
  'machine learning': ['pytorch', 'tensorflow', 'keras', 'sklearn', 'xgboost', 'lightgbm', 'huggingface', 'mlflow', 'onnx'],
  'llm': ['openai', 'gpt', 'llama', 'mistral', 'langchain', 'llamaindex', 'ollama', 'vllm'],
  'ticket': ['jira', 'asana', 'trello', 'youtrack', 'clickup'],
  'documentation': ['confluence', 'docusaurus', 'mkdocs'],
  'design': ['figma', 'invision', 'zeplin'],
  'presentation': ['powerpoint', 'pptx'],
  'email': ['sendgrid', 'mailgun', 'mailchimp', 'ses', 'postmark'],
  'authentication': ['oauth', 'oauth2', 'oidc', 'saml', 'jwt', 'keycloak', 'okta', 'auth0', 'cognito'],
  'analytics': ['mixpanel', 'amplitude', 'tableau', 'looker', 'metabase', 'powerbi'],
  'crm': ['salesforce', 'hubspot', 'zendesk', 'intercom'],
  'ecommerce': ['shopify', 'woocommerce', 'magento', 'bigcommerce'],
  'cms': ['wordpress', 'drupal', 'contentful', 'strapi'],
  'blockchain': ['ethereum', 'solana', 'bitcoin', 'web3', 'hardhat', 'truffle'],
  'package': ['npm', 'pnpm', 'pip', 'maven', 'gradle', 'nuget'],
  'monorepo': ['turborepo', 'lerna', 'bazel'],
  'security': ['owasp', 'snyk', 'burp', 'nmap', 'metasploit', 'wireshark'],
};

/** A request word's kinds, as words: "stripe" → ["payment"], "bigquery" → ["data", "warehouse"]. */
export const KIND_WORDS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(KINDS).flatMap(([kind, names]) => names.map((name): [string, readonly string[]] => [name, kind.split(' ')])),
);
