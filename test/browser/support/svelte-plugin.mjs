// web-test-runner plugin: serves `.svelte` files as browser ES modules, compiled on request with
// Svelte's own compiler (client output). Their `svelte/internal/*` imports resolve through the test
// runner's node resolution, so a component and the test's `mount` share one Svelte runtime.
import { compile } from 'svelte/compiler';

export function svelteComponentsPlugin() {
  return {
    name: 'svelte-components',
    resolveMimeType(context) {
      if (context.path.endsWith('.svelte')) return 'js';
    },
    transform(context) {
      if (!context.path.endsWith('.svelte')) return;
      const { js, warnings } = compile(context.body, { filename: context.path, generate: 'client' });
      for (const warning of warnings) console.warn(`${context.path}: ${warning.message}`);
      return { body: js.code };
    },
  };
}
