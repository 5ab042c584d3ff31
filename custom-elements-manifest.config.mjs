// custom-elements.json from the elements' JSDoc (@summary @csspart @cssproperty @fires @slot):
// the one source for Storybook autodocs, editor tooling and docs. Run by `npm run analyze`.
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts', 'src/elements/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  // package.json's "customElements" field is written by hand; do not let the analyzer edit it.
  packagejson: false,
};
