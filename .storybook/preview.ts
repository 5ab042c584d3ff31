// Every story gets the element docs from the analyzer's manifest (attributes, properties, events,
// parts, CSS custom properties), which Storybook turns into controls and autodocs tables.
import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import { html } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import manifest from '../dist/custom-elements.json';

interface Member {
  kind: string;
  name: string;
  attribute?: string;
  readonly?: boolean;
}
interface Declaration {
  customElement?: boolean;
  members?: Member[];
  cssParts?: Array<{ name: string }>;
}
interface Manifest {
  modules: Array<{ declarations?: Declaration[] }>;
}

/**
 * Stories set elements through their attributes, so a property that mirrors an attribute
 * (`staleAfter` for `stale-after`) would be a second control that does nothing: keep the
 * attribute only. Properties without an attribute (`feed`) stay. Parts are listed as
 * `::part(name)`, so that a part named like an attribute (`symbol`) does not replace its row.
 */
function withoutMirroredProperties(source: Manifest): Manifest {
  return {
    ...source,
    modules: source.modules.map((module) => ({
      ...module,
      declarations: module.declarations?.map((declaration) =>
        declaration.customElement
          ? {
              ...declaration,
              members: declaration.members?.filter((member) => !member.attribute),
              cssParts: declaration.cssParts?.map((part) => ({ ...part, name: `::part(${part.name})` })),
            }
          : declaration,
      ),
    })),
  };
}

/** Read-only getters and methods are API, not knobs: no controls for them. */
function readOnlyNames(source: Manifest): string[] {
  const names = new Set<string>();
  for (const module of source.modules) {
    for (const declaration of module.declarations ?? []) {
      if (!declaration.customElement) continue;
      for (const member of declaration.members ?? []) if (member.readonly || member.kind === 'method') names.add(member.name);
    }
  }
  return [...names];
}

const elements = withoutMirroredProperties(manifest as Manifest);
setCustomElementsManifest(elements);

const readOnly = new Set(readOnlyNames(elements));
type ArgTypesEnhancer = NonNullable<Preview['argTypesEnhancers']>[number];

/**
 * CSS custom properties become live controls (colours get a colour picker, the rest text);
 * parts and read-only API stay in the docs table without a control.
 */
const controlsForStyling: ArgTypesEnhancer = (context) => {
  const argTypes = { ...context.argTypes };
  for (const [name, argType] of Object.entries(argTypes)) {
    if (name.startsWith('--')) argTypes[name] = { ...argType, control: { type: /color|flash/.test(name) ? 'color' : 'text' } };
    else if (name.startsWith('::part(') || readOnly.has(name)) argTypes[name] = { ...argType, control: false };
  }
  return argTypes;
};

const preview: Preview = {
  tags: ['autodocs'],
  argTypesEnhancers: [controlsForStyling],
  // Values given to `--mp-*` controls are set on a wrapper; they inherit into the elements.
  decorators: [
    (story, context) => {
      const custom = Object.fromEntries(Object.entries(context.args).filter(([name, value]) => name.startsWith('--') && typeof value === 'string' && value !== ''));
      return Object.keys(custom).length > 0 ? html`<div style=${styleMap(custom)}>${story()}</div>` : story();
    },
  ],
  parameters: {
    controls: { expanded: true, matchers: { color: /(background|color)$/i } },
    layout: 'padded',
  },
};

export default preview;
