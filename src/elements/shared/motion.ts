/** Whether the user asked for reduced motion (checked at the moment of animating, so changes apply). */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
