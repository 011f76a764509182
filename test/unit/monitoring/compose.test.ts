/**
 * docker-compose.yml and the monitoring files it provisions, checked by
 * structure: there is no Docker engine on the machines that run the tests,
 * so nothing here starts a container (docs/metrics.md says so).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { parse } from 'yaml';
import { PROMETHEUS_METRIC_NAMES } from '../../../shared/management/prometheus';
import { platform } from '../../../shared/platform';
import { LocalEnv, readEnv } from '../../../shared/platform/env';

const root = join(__dirname, '..', '..', '..');
const text = (path: string): string => readFileSync(join(root, path), 'utf8');
const yamlOf = (path: string): unknown => parse(text(path));

interface Service {
  image: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  configs?: { source: string; target: string }[];
  extra_hosts?: string[];
  depends_on?: unknown;
}
interface Compose {
  services: Record<string, Service>;
  configs?: Record<string, { content?: string }>;
}

const compose = yamlOf('docker-compose.yml') as Compose;
const service = (name: string): Service => {
  const s = compose.services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

/** The bind mounts of a service: host path (relative to the repository) → container path. */
const mounts = (s: Service): { host: string; container: string }[] =>
  (s.volumes ?? []).map((v) => {
    const [host = '', container = ''] = v.split(':');
    return { host, container };
  });

/** `${NAME:-default}` references of a compose value. */
const variables = (value: string): { name: string; fallback: string }[] =>
  [...value.matchAll(/\$\{(\w+):-([^}]*)\}/g)].map((m) => ({
    name: m[1] ?? '',
    fallback: m[2] ?? '',
  }));

/** The container path a host file is mounted at in `s`. */
const mountedAt = (s: Service, host: string): string | undefined =>
  mounts(s).find((m) => m.host === `./${host}`)?.container;

describe('docker-compose.yml', () => {
  it('runs Kafka, Kafka UI, Prometheus and Grafana, each image pinned to an exact version', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'grafana',
      'kafka',
      'kafka-ui',
      'prometheus',
    ]);
    for (const [name, s] of Object.entries(compose.services))
      expect([name, s.image]).toEqual([
        name,
        expect.stringMatching(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/),
      ]);
    const pom = /<kafka\.version>(.+)<\/kafka\.version>/.exec(text('local/kafka/pom.xml'))?.[1];
    expect(service('kafka').image).toBe(`apache/kafka:${pom}`);
  });

  it('publishes and advertises the broker on XSEVEN_KAFKA_PORT, the port kafka.sh waits on', () => {
    const kafka = service('kafka');
    const script = text('local/kafka/kafka.sh');
    const scriptDefault = /BASE_PORT="\$\{XSEVEN_KAFKA_PORT:-(\d+)\}"/.exec(script)?.[1];
    expect(scriptDefault).toBeDefined();
    const port = { name: 'XSEVEN_KAFKA_PORT', fallback: scriptDefault };
    expect(kafka.ports).toEqual([`\${XSEVEN_KAFKA_PORT:-${scriptDefault}}:9092`]);
    const advertised = String(kafka.environment?.KAFKA_ADVERTISED_LISTENERS);
    expect(advertised).toContain(`PLAINTEXT://127.0.0.1:\${XSEVEN_KAFKA_PORT:-${scriptDefault}}`);
    expect(variables(advertised)).toEqual([port]);
    // The docker path of kafka.sh hands its port (default or not) to compose.
    expect(script).toMatch(/XSEVEN_KAFKA_PORT="\$BASE_PORT" docker compose up -d kafka kafka-ui/);
    // The other services reach the broker on its internal listener.
    expect(service('kafka-ui').environment?.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe('kafka:29092');
    expect(String(kafka.environment?.KAFKA_LISTENERS)).toContain('INTERNAL://0.0.0.0:29092');
  });

  it('takes every published port from a variable', () => {
    const published = Object.fromEntries(
      Object.entries(compose.services).map(([name, s]) => [
        name,
        (s.ports ?? []).map((p) => variables(p).map((v) => v.name)),
      ]),
    );
    expect(published).toEqual({
      kafka: [['XSEVEN_KAFKA_PORT']],
      'kafka-ui': [['XSEVEN_KAFKA_UI_PORT']],
      prometheus: [['XSEVEN_PROMETHEUS_PORT']],
      grafana: [['XSEVEN_GRAFANA_PORT']],
    });
  });

  it('mounts only files of the repository that exist', () => {
    for (const [name, s] of Object.entries(compose.services))
      for (const { host } of mounts(s))
        expect([name, host, existsSync(join(root, host))]).toEqual([name, host, true]);
  });
});

describe('Prometheus as compose runs it', () => {
  const prometheus = service('prometheus');
  const config = yamlOf('monitoring/prometheus/prometheus.yml') as {
    rule_files: string[];
    scrape_configs: {
      metrics_path: string;
      authorization: { type: string; credentials_file: string };
      file_sd_configs: { files: string[] }[];
    }[];
  };
  const configDir = mountedAt(prometheus, 'monitoring/prometheus/prometheus.yml');
  const configured = new Map(
    (prometheus.configs ?? []).map((c) => [c.target, compose.configs?.[c.source]?.content]),
  );

  it('loads the shipped configuration and every rule file it names', () => {
    expect(configDir).toBe('/etc/prometheus/prometheus.yml');
    for (const rules of config.rule_files) {
      const inContainer = posix.join(posix.dirname(configDir ?? ''), rules);
      expect(mountedAt(prometheus, posix.join('monitoring/prometheus', rules))).toBe(inContainer);
      const parsed = yamlOf(posix.join('monitoring/prometheus', rules)) as { groups: unknown[] };
      expect(parsed.groups.length).toBeGreaterThan(0);
    }
  });

  it('scrapes the gateway on XSEVEN_API_PORT, at the definition route, with the token of XSEVEN_API_TOKEN', () => {
    const [scrape] = config.scrape_configs;
    const route = platform.httpRoutes.find((r) => r.path.endsWith('/prometheus-metrics'));
    expect(scrape?.metrics_path).toBe(route?.path);

    const files = scrape?.file_sd_configs.flatMap((f) => f.files) ?? [];
    expect(files).toHaveLength(1);
    const targets = JSON.parse(configured.get(files[0] ?? '') ?? 'null') as {
      targets: string[];
    }[];
    const defaultPort = readEnv(LocalEnv.ApiPort, {});
    expect(targets).toEqual([
      { targets: [`host.docker.internal:\${${LocalEnv.ApiPort.name}:-${defaultPort}}`] },
    ]);
    expect(prometheus.extra_hosts).toContain('host.docker.internal:host-gateway');

    expect(scrape?.authorization.type).toBe('Bearer');
    const token = configured.get(scrape?.authorization.credentials_file ?? '');
    expect(variables(token ?? '').map((v) => v.name)).toEqual([LocalEnv.ApiToken.name]);
  });
});

describe('Grafana as compose runs it', () => {
  const grafana = service('grafana');
  const provisioning = (kind: 'datasources' | 'dashboards'): string =>
    `monitoring/grafana/provisioning/${kind}`;
  const provisionedFile = (kind: 'datasources' | 'dashboards'): unknown => {
    const dir = provisioning(kind);
    expect(mountedAt(grafana, dir)).toBe(`/etc/grafana/provisioning/${kind}`);
    const files = ['prometheus.yml', 'xseven-events.yml'].filter((f) =>
      existsSync(join(root, dir, f)),
    );
    expect(files).toHaveLength(1);
    return yamlOf(posix.join(dir, files[0] ?? ''));
  };

  it('provisions the compose Prometheus as its data source', () => {
    const { datasources } = provisionedFile('datasources') as {
      datasources: { type: string; url: string; isDefault: boolean }[];
    };
    expect(datasources).toHaveLength(1);
    expect(datasources[0]).toMatchObject({ type: 'prometheus', isDefault: true });
    const url = new URL(datasources[0]?.url ?? '');
    expect(url.hostname).toBe('prometheus');
    // The container port, which the published one maps to.
    expect(service('prometheus').ports?.[0]).toMatch(new RegExp(`:${url.port}$`));
  });

  it('provisions the shipped dashboard from the folder it is mounted in', () => {
    const { providers } = provisionedFile('dashboards') as {
      providers: { type: string; options: { path: string } }[];
    };
    const at = mountedAt(grafana, 'monitoring/grafana/xseven-kafka-dashboard.json');
    expect(providers).toHaveLength(1);
    expect(providers[0]?.type).toBe('file');
    expect(at !== undefined && dirname(at)).toBe(providers[0]?.options.path);
  });
});

describe('the shipped dashboard', () => {
  interface Variable {
    name: string;
    type: string;
    query: string | { query: string };
  }
  const dashboard = JSON.parse(text('monitoring/grafana/xseven-kafka-dashboard.json')) as {
    __inputs?: unknown;
    templating: { list: Variable[] };
    panels: {
      title: string;
      datasource: { uid: string };
      targets: { expr: string; datasource: { uid: string } }[];
    }[];
  };
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
  const queryOf = (v: Variable): string => (typeof v.query === 'string' ? v.query : v.query.query);

  it('has topic and consumer group variables, read from exposed metrics and labels', () => {
    const byName = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect([...byName.keys()].sort()).toEqual(['consumergroup', 'datasource', 'topic']);
    expect(byName.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['topic', 'consumergroup']) {
      const v = byName.get(name);
      expect(v?.type).toBe('query');
      const [, metric, label] = /^label_values\((\w+), (\w+)\)$/.exec(queryOf(v as Variable)) ?? [];
      expect(PROMETHEUS_METRIC_NAMES).toContain(metric);
      expect(label).toBe(name);
    }
  });

  it('uses every variable in some panel query, and no undefined one', () => {
    const defined = new Set(dashboard.templating.list.map((v) => v.name));
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\$(\w+)/g)].map((m) => m[1])));
    expect([...used].sort()).toEqual(['consumergroup', 'topic']);
    for (const name of used) expect(defined.has(name ?? '')).toBe(true);
    // A variable filters by its own label.
    for (const e of exprs.filter((x) => x.includes('$topic')))
      expect(e).toContain('topic=~"$topic"');
    for (const e of exprs.filter((x) => x.includes('$consumergroup')))
      expect(e).toContain('consumergroup=~"$consumergroup"');
  });

  it('needs no import step: every panel reads the datasource variable, no import inputs', () => {
    expect(dashboard.__inputs).toBeUndefined();
    for (const p of dashboard.panels) {
      expect([p.title, p.datasource.uid]).toEqual([p.title, '${datasource}']);
      for (const t of p.targets)
        expect([p.title, t.datasource.uid]).toEqual([p.title, '${datasource}']);
    }
  });
});
