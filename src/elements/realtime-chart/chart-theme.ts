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
  /** Text on the last-price marker (a box in the line colour). */
  markerText: string;
  font: string;
}

let probe: CanvasRenderingContext2D | null | undefined;

/** A colour's red, green, blue and alpha (0–1) as a canvas reads it; null where there is no canvas. */
function rgba(color: string): number[] | null {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return null;
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  // '#rrggbb' when opaque, 'rgba(r, g, b, a)' otherwise.
  const read = String(probe.fillStyle);
  return read[0] === '#' ? [...(read.match(/\w\w/g) ?? []).map((hex) => parseInt(hex, 16)), 1] : (read.match(/[\d.]+/g) ?? []).map(Number);
}

/**
 * The background where it is opaque (the marker looks cut out of the page); over a see-through
 * background, black or white, whichever reads better on the line colour.
 */
function markerTextOn(line: string, background: string): string {
  if ((rgba(background)?.[3] ?? 1) === 1) return background;
  const [r = 0, g = 0, b = 0] = rgba(line) ?? [];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000' : '#fff';
}

function read(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

/** Reads the theme from the computed style of the chart element. */
export function readChartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const line = read(style, '--_chart-line', '#1f5fbf');
  const background = read(style, '--_bg', '#ffffff');
  return {
    line,
    area: read(style, '--_chart-area', line),
    up: read(style, '--_up', '#0a7a35'),
    down: read(style, '--_down', '#c0262d'),
    grid: read(style, '--_border', '#d5dae0'),
    text: read(style, '--_muted', '#5a6470'),
    crosshair: read(style, '--_muted', '#5a6470'),
    background,
    markerText: markerTextOn(line, background),
    font: style.fontFamily || 'system-ui, sans-serif',
  };
}
