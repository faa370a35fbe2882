/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, found in one pass without
 * parsing. `JSON.parse` accepts any depth, but `JSON.stringify` (storing the event, serving it)
 * recurses and overflows the stack a few thousand levels down, so such bodies are refused up front.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i += 1; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}
