// Every story gets the element docs from the analyzer's manifest (attributes, properties, events,
// parts, CSS custom properties), which Storybook turns into controls and autodocs tables.
import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import manifest from '../dist/custom-elements.json';

setCustomElementsManifest(manifest);

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true, matchers: { color: /(background|color)$/i } },
    layout: 'padded',
  },
};

export default preview;
