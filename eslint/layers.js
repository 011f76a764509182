/**
 * The layering rules of the repository, as an ESLint plugin (see
 * docs/architecture.md):
 *
 * - `layers/direction`: imports run one way. functions/ -> shared/;
 *   local/ -> functions/, shared/; infra/ -> shared/platform (and the error
 *   root shared/errors.ts); shared/ -> nothing of local/, functions/ or
 *   infra/. test/ and bench/ may import anything.
 * - `layers/no-area-cycles`: no import cycle between areas. An area is a
 *   top-level folder, or a subfolder of shared/, functions/ or local/
 *   (shared/dlq and shared/management are two areas); files directly in
 *   shared/ form the area `shared`.
 *
 * Only relative imports are followed (packages are not areas). The cycle
 * rule reads every source file of the repository once per lint run, with
 * TypeScript's own import scanner (comments and strings are not imports).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

/** Top-level folders whose subfolders are areas of their own. */
const NESTED = new Set(['shared', 'functions', 'local']);
/** The folders holding the product's code (the graph of the cycle rule). */
const SOURCE_ROOTS = ['shared', 'functions', 'local', 'infra'];
const EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs'];

const toPosix = (p) => p.split(path.sep).join('/');

/** The area of a file, from its path relative to the repository root. */
const areaOf = (rel) => {
  const parts = rel.split('/');
  const top = parts[0];
  return NESTED.has(top) && parts.length > 2 ? `${top}/${parts[1]}` : top;
};

/** The file an import names (`./x` -> `./x.ts` or `./x/index.ts`), relative to `root`. */
const resolveImport = (root, fromFile, specifier) => {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [
    base,
    ...EXTENSIONS.map((e) => `${base}${e}`),
    ...EXTENSIONS.map((e) => path.join(base, `index${e}`)),
  ];
  const file = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? base;
  return toPosix(path.relative(root, file));
};

/** What each layer may import: a predicate on the imported file's path. */
const DIRECTIONS = {
  shared: {
    allows: (to) => to.startsWith('shared/'),
    rule: 'shared/ imports nothing of local/, functions/ or infra/',
  },
  functions: {
    allows: (to) => to.startsWith('functions/') || to.startsWith('shared/'),
    rule: 'functions/ imports only shared/',
  },
  local: {
    allows: (to) => /^(local|functions|shared)\//.test(to),
    rule: 'local/ imports only functions/ and shared/',
  },
  infra: {
    allows: (to) =>
      to.startsWith('infra/') ||
      areaOf(to) === 'shared/platform' ||
      /^shared\/errors\.\w+$/.test(to),
    rule: 'infra/ imports only shared/platform and the error root shared/errors.ts',
  },
};

const sourceFiles = (root) => {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const top of SOURCE_ROOTS) {
    const dir = path.join(root, top);
    if (fs.existsSync(dir)) walk(dir);
  }
  return files;
};

/** The area graph of a repository, built once per root and lint run. */
const graphs = new Map();
const areaGraph = (root) => {
  let graph = graphs.get(root);
  if (graph !== undefined) return graph;
  graph = new Map();
  for (const file of sourceFiles(root)) {
    const from = areaOf(toPosix(path.relative(root, file)));
    const imports = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles;
    for (const { fileName } of imports) {
      const target = resolveImport(root, file, fileName);
      if (target === undefined || target.startsWith('..')) continue;
      const to = areaOf(target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
    }
  }
  graphs.set(root, graph);
  return graph;
};

/** A path of areas from `start` to `goal` (both included), or undefined. */
const pathBetween = (graph, start, goal) => {
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const area = queue.shift();
    if (area === goal) {
      const found = [];
      for (let a = goal; a !== undefined; a = previous.get(a)) found.unshift(a);
      return found;
    }
    for (const next of graph.get(area) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, area);
      queue.push(next);
    }
  }
  return undefined;
};

const rootOf = (context) => context.options[0]?.root ?? context.cwd;

/** Calls `check(node, target)` for every relative import of the file being linted. */
const importVisitor = (context, check) => {
  const root = rootOf(context);
  const visit = (node) => {
    const source = node.source;
    if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
    const target = resolveImport(root, context.filename, source.value);
    if (target !== undefined && !target.startsWith('..')) check(node, target);
  };
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
};

const rootOption = [
  { type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false },
];

const direction = {
  meta: {
    type: 'problem',
    docs: { description: 'imports run one way between the layers (docs/architecture.md)' },
    schema: rootOption,
    messages: { upward: '{{from}} may not import {{to}}: {{rule}} (docs/architecture.md)' },
  },
  create(context) {
    const from = toPosix(path.relative(rootOf(context), context.filename));
    const layer = DIRECTIONS[from.split('/')[0]];
    if (layer === undefined) return {};
    return importVisitor(context, (node, to) => {
      if (!layer.allows(to))
        context.report({ node, messageId: 'upward', data: { from, to, rule: layer.rule } });
    });
  },
};

const noAreaCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycle between areas (docs/architecture.md)' },
    schema: rootOption,
    messages: { cycle: 'import cycle between areas: {{cycle}} (docs/architecture.md)' },
  },
  create(context) {
    const root = rootOf(context);
    const from = toPosix(path.relative(root, context.filename));
    if (!SOURCE_ROOTS.includes(from.split('/')[0])) return {};
    const area = areaOf(from);
    return importVisitor(context, (node, target) => {
      const to = areaOf(target);
      if (to === area) return;
      const back = pathBetween(areaGraph(root), to, area);
      if (back !== undefined)
        context.report({ node, messageId: 'cycle', data: { cycle: [area, ...back].join(' -> ') } });
    });
  },
};

module.exports = {
  meta: { name: 'xseven-layers' },
  rules: { direction, 'no-area-cycles': noAreaCycles },
  areaOf,
};
