/**
 * Chart colours come from CSS custom properties. Canvas cannot read CSS by itself, so the element
 * reads them once per theme change (connect, `theme` attribute, colour-scheme change, or an
 * explicit `refreshTheme()`), never per frame.
 */

/** Colours and font of a chart. */
export interface ChartTheme {
  line: string;
  area: string;
  up: string;
  down: string;
  grid: string;
  text: string;
  crosshair: string;
  background: string;
  font: string;
}

function read(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

/** Reads the theme from the computed style of the chart element. */
export function readChartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const line = read(style, '--_chart-line', '#1f5fbf');
  return {
    line,
    area: read(style, '--_chart-area', line),
    up: read(style, '--_up', '#0a7a35'),
    down: read(style, '--_down', '#c0262d'),
    grid: read(style, '--_border', '#d5dae0'),
    text: read(style, '--_muted', '#5a6470'),
    crosshair: read(style, '--_muted', '#5a6470'),
    background: read(style, '--_bg', '#ffffff'),
    font: style.fontFamily || 'system-ui, sans-serif',
  };
}
