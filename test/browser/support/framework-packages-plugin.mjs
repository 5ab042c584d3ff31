// web-test-runner plugin: serves React 19, react-dom and Vue 3 to the interop tests as browser ES
// modules. React ships only CommonJS and Vue's ESM build reads `process.env`, neither of which a
// browser can load as is, so esbuild bundles them once into one module (one React instance shared
// by `react` and `react-dom/client`), and each bare import resolves to a thin re-export of it.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

const PREFIX = '/__framework-packages/';
const BUNDLE = `${PREFIX}bundle.js`;
const identifier = /^[A-Za-z_$][\w$]*$/;

/** @param {string[]} packages bare specifiers to serve, e.g. ['react', 'react-dom/client', 'vue'] */
export function frameworkPackagesPlugin(packages = ['react', 'react-dom', 'react-dom/client', 'vue']) {
  let bundle; // Promise<string>, built on first request
  const slot = (name) => `m${packages.indexOf(name)}`;

  const buildBundle = async () => {
    const contents = packages.map((name) => `import * as ${slot(name)} from '${name}';`).join('\n') + `\nexport { ${packages.map(slot).join(', ')} };`;
    const result = await build({
      stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      define: {
        'process.env.NODE_ENV': '"development"',
        __VUE_OPTIONS_API__: 'true',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      },
    });
    return result.outputFiles[0].text;
  };

  // The names a package exports, read in a child process: loading React here would run its
  // development build inside the test runner, whose console proxy it trips over.
  const exportNames = (name) =>
    JSON.parse(execFileSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(name)}))))`], { encoding: 'utf8' }));

  /** A module re-exporting one package's names from the shared bundle. */
  const wrapper = (name) => {
    const names = exportNames(name).filter((key) => identifier.test(key) && key !== 'default');
    const m = slot(name);
    return [
      `import { ${m} } from '${BUNDLE}';`,
      `export default (${m}.default ?? ${m});`,
      names.length > 0 ? `export const { ${names.join(', ')} } = ${m};` : '',
    ].join('\n');
  };

  return {
    name: 'framework-packages',
    resolveImport({ source }) {
      if (packages.includes(source)) return `${PREFIX}${slot(source)}.js`;
    },
    async serve(context) {
      if (context.path === BUNDLE) return { body: await (bundle ??= buildBundle()), type: 'js' };
      const match = context.path.startsWith(PREFIX) && /^m(\d+)\.js$/.exec(context.path.slice(PREFIX.length));
      if (match) return { body: wrapper(packages[Number(match[1])]), type: 'js' };
    },
  };
}
