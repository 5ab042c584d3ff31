// The build minifies Lit's css``/html`` text; these check it never changes what the browser sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations
import { minifyCssText, minifyLiterals } from '../../scripts/minify-literals.mjs';

const run = (code: string): string => minifyLiterals(code)?.toString() ?? code;

test('css: whitespace and comments go, strings and calc() spaces stay', () => {
  const out = run("const s = css`\n  /* box */\n  :host {\n    width: calc(100% - 2px);\n    content: '  a ; b  ';\n    font: 1em 'Segoe UI', sans-serif;\n  }\n  .a > .b :hover { color: red; }\n`;");
  assert.equal(out, "const s = css`:host{width:calc(100% - 2px);content:'  a ; b  ';font:1em 'Segoe UI',sans-serif}.a>.b :hover{color:red}`;");
});

test('css: fractions lose their leading zero where a number starts, nowhere else', () => {
  assert.equal(
    run("css`a { padding: 0.5em 0.75em; color: rgba(10, 160, 70, 0.28); width: calc(0.5 * 10.05px); content: '0.5'; top: ${n}0.5px; }`"),
    "css`a{padding:.5em .75em;color:rgba(10,160,70,.28);width:calc(.5 * 10.05px);content:'0.5';top:${n}0.5px}`",
  );
});

test('css: interpolations are kept, with a space where they touch text', () => {
  assert.equal(run('css`\n  :host {\n    ${light}\n    color: red;\n  }\n`'), 'css`:host{${light} color:red}`');
});

test('html: line breaks with indentation become one space, inline spaces stay', () => {
  const out = run('html`\n  <div class="a">\n    <span>${x}</span> <b>y</b>\n    ${cond ? html`\n      <i>z</i>\n    ` : nothing}\n  </div>\n`');
  assert.equal(out, 'html`<div class="a"> <span>${x}</span> <b>y</b> ${cond ? html`<i>z</i>` : nothing} </div>`');
});

test('code, comments and other templates are left alone', () => {
  const code = "// a css`  x  ` in a comment\nconst t = `  keep\n  me  `;\nconst q = 'html`';\nconst s = `${a}\n  b`;";
  assert.equal(minifyLiterals(code), null);
});

test('css text: an unterminated comment or string does not throw', () => {
  assert.equal(typeof minifyCssText('a { /* x'), 'string');
  assert.equal(typeof minifyCssText("a { content: 'x"), 'string');
});
