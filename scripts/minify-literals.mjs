// Minifies the text of Lit's css`` and html`` tagged templates in TypeScript/JavaScript source.
// esbuild and Vite minify code but leave template literal text alone, and our styles and templates
// are written indented for people. Used by the Vite build (`minifyLiteralsPlugin`) and by the size
// measurement (`minifyLiteralsEsbuild`), so the numbers printed are those of the shipped files.
//
// Deliberately conservative, no CSS/HTML parser:
// - css``: comments dropped, whitespace runs collapsed to one space, spaces around `{ } ; , >` and
//   after `:` dropped, `;}` → `}`, `0.5em` → `.5em`. Quoted strings are kept as written;
//   `+ - ~ *` keep their spaces (calc() needs them).
// - html``: whitespace runs that contain a line break become one space (what the browser renders
//   anyway outside `white-space: pre`), so inline text and attribute values keep their meaning.
// Interpolations `${…}` are copied unchanged (nested templates inside them are handled too).
import MagicString from 'magic-string';

/** Index just past the `}` that closes the interpolation opened before `start`. */
function skipInterpolation(source, start) {
  let depth = 1;
  let i = start;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i + 1;
    else if (ch === '`') i = skipTemplate(source, i + 1) - 1;
    else if (ch === '"' || ch === "'") i = skipString(source, i);
    i++;
  }
  return source.length;
}

function skipString(source, start) {
  const quote = source[start];
  let i = start + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
  return i;
}

/** Index just past the backtick closing a template whose text starts at `start`. */
function skipTemplate(source, start) {
  let i = start;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\') i += 2;
    else if (ch === '`') return i + 1;
    else if (ch === '$' && source[i + 1] === '{') i = skipInterpolation(source, i + 2);
    else i++;
  }
  return source.length;
}

/** The text parts of the template starting at `start`, as [from, to) ranges, and its end. */
function templateParts(source, start) {
  const parts = [];
  let from = start;
  let i = start;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\') i += 2;
    else if (ch === '`') {
      parts.push([from, i]);
      return { parts, end: i + 1 };
    } else if (ch === '$' && source[i + 1] === '{') {
      parts.push([from, i]);
      i = skipInterpolation(source, i + 2);
      from = i;
    } else i++;
  }
  return { parts, end: source.length };
}

/** Minifies the code between quoted strings of a css`` literal. */
function minifyCssCode(code) {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    .replace(/;}/g, '}')
    // `0.5em` → `.5em` where a number starts (after `:`, `,`, `(`, `/` or a space; never at the
    // start of a part, which may follow an interpolation: `${n}0.5px`).
    .replace(/([\s:,(/])0\.(\d)/g, '$1.$2');
}

/** Minifies one text part of a css`` literal; quoted strings are kept as written. */
export function minifyCssText(text) {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if ((ch === '"' || ch === "'") && text[i - 1] !== '\\') {
      const end = skipString(text, i);
      out += minifyCssCode(text.slice(from, i)) + text.slice(i, end + 1);
      from = end + 1;
      i = end;
    }
  }
  return out + minifyCssCode(text.slice(from));
}

/** Minifies one text part of an html`` (or svg``) literal. */
export function minifyHtmlText(text) {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** Index just past the comment starting at `start` (`//` or `/*`). */
function skipComment(code, start) {
  if (code[start + 1] === '/') {
    const end = code.indexOf('\n', start);
    return end === -1 ? code.length : end;
  }
  const end = code.indexOf('*/', start + 2);
  return end === -1 ? code.length : end + 2;
}

/**
 * Minifies the css``/html``/svg`` literals in `code`. Comments and strings are skipped, so a tag
 * name quoted in a comment is never taken for a template.
 * @returns {MagicString | null} the edited source, or null when nothing changed
 */
export function minifyLiterals(code) {
  if (!code.includes('`')) return null;
  const edited = new MagicString(code);
  let changed = false;
  const minifyTemplate = (tag, start) => {
    const { parts, end } = templateParts(code, start);
    const minify = tag === 'css' ? minifyCssText : minifyHtmlText;
    const last = parts.length - 1;
    parts.forEach(([from, to], index) => {
      const original = code.slice(from, to);
      let text = minify(original);
      // The literal's outer whitespace carries nothing; inner edges touch interpolations.
      if (index === 0) text = text.trimStart();
      if (index === last) text = text.trimEnd();
      if (text === original) return;
      if (text === '') edited.remove(from, to);
      else edited.overwrite(from, to, text);
      changed = true;
    });
    // Templates nested in this one's interpolations.
    for (let index = 0; index < last; index++) scan(parts[index][1] + 2, parts[index + 1][0] - 1);
    return end;
  };
  const scan = (from, to) => {
    let i = from;
    while (i < to) {
      const ch = code[i];
      if (ch === '/' && (code[i + 1] === '/' || code[i + 1] === '*')) i = skipComment(code, i);
      else if (ch === '"' || ch === "'") i = skipString(code, i) + 1;
      else if (ch === '`') {
        const tag = /\b(css|html|svg)$/.exec(code.slice(Math.max(0, i - 4), i))?.[1];
        i = tag ? minifyTemplate(tag, i + 1) : skipTemplate(code, i + 1);
      } else i++;
    }
  };
  scan(0, code.length);
  return changed ? edited : null;
}

const SOURCE = /\/src\/.*\.[cm]?[jt]s$/;

/** Vite/Rolldown plugin: minifies Lit literals in our own sources (before TypeScript is stripped). */
export function minifyLiteralsPlugin() {
  return {
    name: 'market-pulse:minify-literals',
    enforce: 'pre',
    transform(code, id) {
      if (!SOURCE.test(id.split('?')[0])) return null;
      const edited = minifyLiterals(code);
      return edited ? { code: edited.toString(), map: edited.generateMap({ hires: true, source: id }) } : null;
    },
  };
}

/** esbuild plugin doing the same, for the size measurement. */
export function minifyLiteralsEsbuild() {
  return {
    name: 'minify-literals',
    setup(build) {
      build.onLoad({ filter: /\/src\/.*\.ts$/ }, async ({ path }) => {
        const { readFile } = await import('node:fs/promises');
        const code = await readFile(path, 'utf8');
        const edited = minifyLiterals(code);
        return { contents: edited ? edited.toString() : code, loader: 'ts' };
      });
    },
  };
}
