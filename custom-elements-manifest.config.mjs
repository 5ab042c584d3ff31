// custom-elements.json from the elements' JSDoc (@summary @csspart @cssproperty @fires @slot):
// the one source for Storybook autodocs, editor tooling and docs. Run by `npm run analyze`.

/** Keeps the public API only: private/protected members and lifecycle internals are not docs. */
function publicApiOnly() {
  const internal = new Set(['styles', 'render', 'willUpdate', 'updated', 'firstUpdated', 'connectedCallback', 'disconnectedCallback']);
  return {
    name: 'market-pulse-public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules ?? []) {
        for (const declaration of module.declarations ?? []) {
          if (!Array.isArray(declaration.members)) continue;
          declaration.members = declaration.members.filter(
            (member) => !member.privacy || member.privacy === 'public' ? !internal.has(member.name) && !member.name.startsWith('#') : false,
          );
        }
      }
    },
  };
}

export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts', 'src/elements/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  // package.json's "customElements" field is written by hand; do not let the analyzer edit it.
  packagejson: false,
  plugins: [publicApiOnly()],
};
